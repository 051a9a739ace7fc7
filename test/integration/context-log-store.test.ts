// The pushed-lines store of a session (`logs-<play_id>`) on the real dev server: bounded by lines, bytes
// and age, a retried append applied once, the window query, and its lines carried across continue-as-new.
import type { Worker } from '@temporalio/worker';
import { appendToLogStore } from '../../api/session/log-store';
import { LOG_STORE_LIMITS, logStoreWorkflowId, logWindowQuery } from '../../core/contract';
import {
  closeTestConnections,
  createTestWorker,
  eventually,
  testClient,
  uniqueId,
  uniqueTaskQueue,
} from '../support/temporal';

jest.setTimeout(180_000);

describe('session log store', () => {
  const taskQueue = uniqueTaskQueue('log-store');
  let worker: Worker;
  let running: Promise<void>;
  beforeAll(async () => {
    worker = await createTestWorker({ taskQueue });
    running = worker.run();
  });
  afterAll(async () => {
    worker?.shutdown();
    await running;
    await closeTestConnections();
  });

  const push = async (playId: string, lines: string[], idPrefix: string, pushedAt = new Date().toISOString()) =>
    appendToLogStore(await testClient(), { playId, lines, labels: { agent: 'rex' }, pushedAt, idPrefix, taskQueue });
  const window = async (playId: string, from = '2000-01-01T00:00:00.000Z', to = '2100-01-01T00:00:00.000Z') =>
    (await testClient()).workflow.getHandle(logStoreWorkflowId(playId)).query(logWindowQuery, { from, to });

  test('keeps the newest lines within its caps; a retried append is stored once; the window is by time', async () => {
    const playId = uniqueId('store');
    const now = Date.now();
    const stamped = (n: number, offsetSecs: number) => `${new Date(now + offsetSecs * 1000).toISOString()} line ${n}`;
    await push(playId, [stamped(0, -120), stamped(1, -60)], 'a');
    await push(playId, [stamped(0, -120), stamped(1, -60)], 'a'); // the same push again
    await push(playId, [stamped(2, -1)], 'b');
    const all = await eventually(
      () => window(playId),
      (lines) => lines.length === 3,
    );
    expect(all.map((l) => l.line.split(' ').slice(1).join(' '))).toEqual(['line 0', 'line 1', 'line 2']);
    const recent = await window(playId, new Date(now - 90_000).toISOString(), new Date(now).toISOString());
    expect(recent.map((l) => l.line.split(' ').slice(1).join(' '))).toEqual(['line 1', 'line 2']);

    // Past the line cap the oldest go first.
    const many = Array.from({ length: LOG_STORE_LIMITS.lines + 100 }, (_, i) => `flood ${i}`);
    await push(playId, many, 'flood');
    const capped = await eventually(
      () => window(playId),
      (lines) => lines.some((l) => l.line === `flood ${many.length - 1}`),
    );
    expect(capped).toHaveLength(LOG_STORE_LIMITS.lines);
    expect(capped.some((l) => l.line === 'flood 0')).toBe(false);
  });

  test('lines older than the retention are dropped', async () => {
    const playId = uniqueId('aged');
    const old = new Date(Date.now() - LOG_STORE_LIMITS.retentionMs - 120_000);
    // A line timed by its own timestamp only within an hour of the push: push it as pushed then.
    await push(playId, ['too old'], 'old', old.toISOString());
    await push(playId, ['fresh'], 'new');
    const lines = await eventually(
      () => window(playId),
      (l) => l.some((x) => x.line === 'fresh'),
    );
    expect(lines.map((l) => l.line)).toEqual(['fresh']);
  });

  test('continues as new before its history grows large, carrying its lines', async () => {
    const client = await testClient();
    const playId = uniqueId('continued');
    await push(playId, ['first'], 'p0');
    const handle = client.workflow.getHandle(logStoreWorkflowId(playId));
    const firstRun = (await handle.describe()).runId;
    for (let n = 1; n <= 150; n++) await push(playId, [`append ${n}`], `p${n}`);
    await eventually(
      () => handle.describe(),
      (d) => d.runId !== firstRun,
      60_000,
    );
    const lines = await eventually(
      () => window(playId),
      (l) => l.length === 151,
    );
    expect(lines[0].line).toBe('first');
  });
});
