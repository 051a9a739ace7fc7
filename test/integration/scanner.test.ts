// The scanner against a real Temporal dev server and the real playSession workflow: detections from a
// tailed file reach the session's status, unattributed ones start the platform session, a restart
// neither loses nor repeats, and batching keeps the history small.
import { appendFileSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Worker } from '@temporalio/worker';
import type { Client } from '@temporalio/client';
import { SessionService } from '../../api/session/sessions';
import { runScanner, type ScannerStats } from '../../scanner/scanner';
import { fileSource } from '../../scanner/sources/file';
import { platformWorkflowId, sessionWorkflowId, statusQuery } from '../../core/contract';
import {
  closeTestConnections,
  createTestWorker,
  eventually,
  testClient,
  uniqueId,
  uniqueTaskQueue,
} from '../support/temporal';
import { sampleInput } from '../support/sessions';

describe('scanner → Temporal', () => {
  const taskQueue = uniqueTaskQueue('scanner');
  let worker: Worker;
  let running: Promise<void>;
  let client: Client;
  let service: SessionService;

  beforeAll(async () => {
    worker = await createTestWorker({ taskQueue });
    running = worker.run();
    client = await testClient();
    service = new SessionService(client, { taskQueue, settings: { preflightWindowMs: 60_000 } });
  });
  afterAll(async () => {
    worker.shutdown();
    await running;
    await closeTestConnections();
  });

  function startScanner(stateDir: string, path: string, labels: Record<string, string>, namespace: string) {
    const controller = new AbortController();
    const done: Promise<ScannerStats> = runScanner(
      {
        stateDir,
        namespace,
        client,
        taskQueue,
        sources: [fileSource({ path, pollMs: 20, labels })],
        log: () => undefined,
      },
      controller.signal,
    );
    return { stop: async () => (controller.abort(), done) };
  }

  const failure = (i: number) =>
    `2026-11-22T04:00:00Z ERROR dial tcp 10.0.0.${i % 250}:5432: connect: connection refused (request ${i})`;

  test('file lines become session detections (and tool inventories), exactly once across a scanner restart, in few signals', async () => {
    const playId = uniqueId('scan');
    await service.start(sampleInput(playId));
    const dir = mkdtempSync(join(tmpdir(), 'healer-scanner-it-'));
    const path = join(dir, 'agent.log');
    const stateDir = join(dir, 'state');
    writeFileSync(
      path,
      `INFO rex started\nINFO tool inventory: [brave_search, github_create_pr, read_file]\n${Array.from({ length: 600 }, (_, i) => failure(i)).join('\n')}\nthread 'main' panicked at src/x.rs:10:5:\n`,
    );

    const first = startScanner(stateDir, path, { 'play-id': playId, agent: 'rex', 'task-id': '1' }, 'cto');
    const logged = (v: { detections: { byCode: Record<string, number> } }) =>
      (v.detections.byCode.R2 ?? 0) + (v.detections.byCode.R1 ?? 0);
    await eventually(
      () => service.get(playId),
      (v) => logged(v) === 601,
    );
    await first.stop();

    appendFileSync(
      path,
      `${Array.from({ length: 400 }, (_, i) => failure(600 + i)).join('\n')}\nINFO Found 0 errors\n`,
    );
    const second = startScanner(stateDir, path, { 'play-id': playId, agent: 'rex', 'task-id': '1' }, 'cto');
    const view = await eventually(
      () => service.get(playId),
      (v) => logged(v) >= 1001,
    );
    await new Promise((r) => setTimeout(r, 500)); // anything duplicated would arrive by now
    await second.stop();
    const final = await service.get(playId);
    // The session adds its own pre-flight A10: the inventory line lacks the declared write_file.
    expect(final.detections.byCode).toEqual({ R2: 1000, R1: 1, A10: 1 });
    expect(final.detections.total).toBe(1002);
    // Volatile parts (ips, request ids) are normalised: 1000 repeats are one fingerprint.
    expect(final.detections.unique).toBe(3);
    expect(view.alertCodes).toEqual(expect.arrayContaining(['R1', 'R2']));
    // The inventory line reached the session as a toolInventory signal (pre-flight).
    const rex = final.agents.find((a) => a.name === 'rex');
    expect(rex?.reportedTools).toEqual(['brave_search', 'github_create_pr', 'read_file']);
    expect(rex?.missingTools).toEqual(['write_file']);

    const history = await client.workflow.getHandle(sessionWorkflowId(playId)).fetchHistory();
    const signals = (history.events ?? []).filter(
      (e) => e.workflowExecutionSignaledEventAttributes?.signalName === 'detections',
    ).length;
    // One failure repeated 1000 times travels as a few detections with a `repeats` count: one signal per
    // batch window and scanner run, not one per 100 lines (history events per 1000 detections: < 20).
    expect(signals).toBeGreaterThanOrEqual(2);
    expect(signals).toBeLessThanOrEqual(8);
  });

  test('unattributed and unknown-session detections go to the platform session (signal-with-start)', async () => {
    const namespace = uniqueId('ns').toLowerCase();
    const dir = mkdtempSync(join(tmpdir(), 'healer-scanner-platform-'));
    const path = join(dir, 'platform.log');
    writeFileSync(path, "Error: EACCES: permission denied, open '/workspace/x'\n");
    const unattributed = startScanner(join(dir, 'state-a'), path, { namespace }, namespace);
    const platform = client.workflow.getHandle(platformWorkflowId(namespace));
    await eventually(
      () => platform.query(statusQuery),
      (v) => v.detections.total === 1,
    );
    await unattributed.stop();

    const other = join(dir, 'ghost.log');
    writeFileSync(other, 'HttpError: Bad credentials\n');
    const ghost = startScanner(
      join(dir, 'state-b'),
      other,
      { 'play-id': uniqueId('never-started'), namespace },
      namespace,
    );
    const view = await eventually(
      () => platform.query(statusQuery),
      (v) => v.detections.total === 2,
    );
    await ghost.stop();
    expect(view.detections.byCode).toEqual({ R4: 1, R5: 1 });
    expect(view.playId).toBe(`platform-${namespace}`);
  });
});
