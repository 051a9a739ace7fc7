// The scanner's cursors survive what a pod restart or a reschedule does to it: the process is killed
// (SIGKILL, mid-stream, nothing flushed) while the log keeps growing, and a new process starts with a
// fresh home and temp dir, in another working directory, keeping only the state dir (in deploy/, the
// PersistentVolume healer-scanner-state). The session must count every failure line exactly once.
import { spawn, type ChildProcess } from 'node:child_process';
import { appendFileSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Worker } from '@temporalio/worker';
import { SessionService } from '../../api/session/sessions';
import { sampleInput } from '../support/sessions';
import {
  closeTestConnections,
  createTestWorker,
  eventually,
  testAddress,
  testClient,
  uniqueId,
  uniqueTaskQueue,
} from '../support/temporal';

const entry = join(__dirname, '..', 'support', 'scanner-process-entry.js');
const failure = (i: number) =>
  `2026-11-22T04:00:00Z ERROR dial tcp 10.0.0.${i % 250}:5432: connect: connection refused (request ${i})`;

/** A scanner process on "a node" of its own: own home, temp dir and working directory; the shared PV. */
function startScanner(pv: string, logFile: string, playId: string): ChildProcess {
  const node = mkdtempSync(join(tmpdir(), 'healer-node-'));
  for (const dir of ['home', 'tmp', 'work']) mkdirSync(join(node, dir));
  const child = spawn(process.execPath, [entry], {
    cwd: join(node, 'work'),
    env: {
      PATH: process.env.PATH,
      HOME: join(node, 'home'),
      TMPDIR: join(node, 'tmp'),
      TEMPORAL_ADDRESS: testAddress(),
      HEALER_STATE_DIR: pv,
      HEALER_LOG_FILE: logFile,
      HEALER_LOG_LABELS: `play-id=${playId},agent=rex,task-id=1`,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stderr!.on('data', (d: Buffer) => process.stderr.write(`[scanner ${child.pid}] ${d}`));
  return child;
}

const exited = (child: ChildProcess) =>
  new Promise<void>((resolve) => (child.exitCode !== null ? resolve() : child.once('exit', () => resolve())));

test('killed mid-stream and started elsewhere with only its state volume, the scanner neither loses nor repeats a line', async () => {
  const taskQueue = uniqueTaskQueue('scan-restart');
  const worker: Worker = await createTestWorker({ taskQueue });
  const running = worker.run();
  const client = await testClient();
  const sessions = new SessionService(client, { taskQueue, settings: { preflightWindowMs: 600_000 } });
  const dir = mkdtempSync(join(tmpdir(), 'healer-scan-restart-'));
  const pv = join(dir, 'pv');
  const logFile = join(dir, 'agent.log');
  writeFileSync(logFile, '');
  const playId = uniqueId('restart');
  await sessions.start(sampleInput(playId));
  const total = async () => (await sessions.get(playId)).detections.byCode.R2 ?? 0;

  let written = 0;
  const write = (count: number) => {
    appendFileSync(logFile, `${Array.from({ length: count }, (_, i) => failure(written + i)).join('\n')}\n`);
    written += count;
  };
  // The log grows the whole time, in small appends; past 1,000 lines it waits for the kill, so the kill
  // lands mid-stream however slowly the scanner starts.
  let growing = true;
  let killed = false;
  const growth = (async () => {
    while (growing && written < 4000) {
      if (killed || written < 1000) write(50);
      await new Promise((r) => setTimeout(r, 15));
    }
  })();

  let scanner = startScanner(pv, logFile, playId);
  const seenBeforeKill = await eventually(total, (n) => n >= 600, 30_000);
  scanner.kill('SIGKILL');
  await exited(scanner);
  killed = true;
  await new Promise((r) => setTimeout(r, 300)); // lines keep arriving while no scanner runs

  scanner = startScanner(pv, logFile, playId);
  try {
    await growth;
    growing = false;
    expect(written).toBe(4000);
    expect(seenBeforeKill).toBeLessThan(4000); // the kill did land mid-stream
    await eventually(total, (n) => n >= written, 60_000);
    await new Promise((r) => setTimeout(r, 1000)); // a repeat would arrive by now
    const view = await sessions.get(playId);
    expect(view.detections.byCode).toMatchObject({ R2: 4000 });
  } finally {
    growing = false;
    scanner.kill('SIGTERM');
    await exited(scanner);
    worker.shutdown();
    await running;
    await closeTestConnections();
  }
}, 120_000);
