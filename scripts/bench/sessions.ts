// Sessions held by one worker: N active play sessions with a steady stream of detections, measuring
// the worker's RSS and the signal latency p50/p99 (detections signal sent → visible in the session's
// `status` query), against a dev server this starts (or one passed in).
//
// The worker runs as its own process (`node bin/healer.js worker`, so its RSS is the worker's alone)
// when the project is built, which `npm run bench` does first; from sources it runs in-process.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { SessionService } from '../../api/session/sessions';
import type { Detection, SessionInput } from '../../core/contract';
import { loadConfig } from '../../runtime/config';
import { projectRoot } from '../../runtime/paths';
import { startMainWorker } from '../../workers/main';
import type { RunningWorker } from '../../workers/workflow-source';
import { detectionsSignal, sessionWorkflowId, statusQuery } from '../../core/contract';
import { startDevServer, type DevServer } from '../../runtime/dev-server';
import { summarize } from './stats';

export interface BenchSessionsOptions {
  /** Active sessions held by the worker (default 1000). */
  sessions?: number;
  /** How long the steady detection stream runs (default 60 s). */
  durationMs?: number;
  /** Background detection signals per second across all sessions (default 50). */
  signalsPerSecond?: number;
  /** Detections per signal (default 1). */
  detectionsPerSignal?: number;
  /** Distinct fingerprints per session; repeats dedup in the session (default 3). */
  fingerprintsPerSession?: number;
  /** Latency samples taken during the stream, one at a time (default 200). */
  latencySamples?: number;
  /** Session starts in flight at once (default 50). */
  startConcurrency?: number;
  /** Use this server instead of starting one (its `healer` queue must have no other worker). */
  address?: string;
  /** Port of the dev server this starts (default 27234). */
  port?: number;
  /** 'process' (default when built) or 'in-process'. */
  worker?: 'process' | 'in-process';
  log?: (line: string) => void;
}

/** Resident set size of a process in MiB (Linux /proc; undefined elsewhere). */
function rssMiB(pid: number): number | undefined {
  try {
    const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Math.round(Number(match[1]) / 102.4) / 10 : undefined;
  } catch {
    return undefined;
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function benchInput(playId: string): SessionInput {
  // No agents: the bench measures signal handling, not pre-flight timers.
  return { playId, repository: 'bench/repo', namespace: 'cto', agents: [], tasks: [] };
}

function benchDetection(session: number, n: number, fingerprints: number): Detection {
  const fp = n % fingerprints;
  return {
    code: 'R2',
    severity: 'high',
    priority: 'P2',
    patternId: 'R2.connection-refused',
    fingerprint: `bench-${session}-${fp}`,
    line: `Error: connect ECONNREFUSED 10.0.0.${fp}:5432`,
    source: 'test',
    observedAt: new Date().toISOString(),
    agent: 'rex',
  };
}

async function mapLimit<T>(items: T[], limit: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(limit, items.length) }, async () => {
      while (next < items.length) await fn(items[next++]);
    }),
  );
}

interface WorkerHandle {
  pid: number;
  mode: 'process' | 'in-process';
  /** Why the worker is gone, if it is. */
  exited(): string | undefined;
  stop(): Promise<void>;
}

async function startWorker(mode: 'process' | 'in-process', address: string, stateDir: string): Promise<WorkerHandle> {
  if (mode === 'process') {
    const child: ChildProcess = spawn(process.execPath, [join(projectRoot(), 'bin', 'healer.js'), 'worker'], {
      env: { ...process.env, TEMPORAL_ADDRESS: address, HEALER_STATE_DIR: stateDir, HEALER_LOG_LEVEL: 'warn' },
      stdio: ['ignore', 'ignore', 'inherit'],
    });
    let exit: string | undefined;
    child.once('exit', (code, signal) => (exit = `worker exited (${signal ?? `code ${code}`})`));
    return {
      pid: child.pid!,
      mode,
      exited: () => exit,
      stop: () =>
        new Promise<void>((resolve) => {
          if (child.exitCode !== null) return resolve();
          child.once('exit', () => resolve());
          child.kill('SIGTERM');
        }),
    };
  }
  const running: RunningWorker = await startMainWorker(
    loadConfig({ TEMPORAL_ADDRESS: address, HEALER_STATE_DIR: stateDir, HEALER_LOG_LEVEL: 'warn' }),
  );
  let exit: string | undefined;
  running.done.catch((error: Error) => (exit = `worker failed: ${error.message}`));
  return {
    pid: process.pid,
    mode,
    exited: () => exit,
    stop: async () => {
      running.worker.shutdown();
      await running.done;
    },
  };
}

export async function benchSessions(opts: BenchSessionsOptions = {}): Promise<object> {
  const sessions = opts.sessions ?? 1000;
  const durationMs = opts.durationMs ?? 60_000;
  const signalsPerSecond = opts.signalsPerSecond ?? 50;
  const detectionsPerSignal = opts.detectionsPerSignal ?? 1;
  const fingerprints = opts.fingerprintsPerSession ?? 3;
  const latencySamples = opts.latencySamples ?? 200;
  const log = opts.log ?? ((line: string) => console.error(line));
  const built = existsSync(join(projectRoot(), 'dist', 'cli', 'main.js')) && __filename.endsWith('.js');
  const mode = opts.worker ?? (built ? 'process' : 'in-process');

  const dir = mkdtempSync(join(tmpdir(), 'healer-bench-sessions-'));
  let server: DevServer | undefined;
  if (!opts.address)
    server = await startDevServer({ port: opts.port ?? 27234, dbFile: join(dir, 'temporal.db'), headless: true });
  const address = opts.address ?? server!.address;
  const connection = await Connection.connect({ address });
  const client = new Client({ connection });
  // Cap 0: detections are counted but open no incidents, so this measures the sessions' own signal handling.
  const service = new SessionService(client, { settings: { maxOpenIncidents: 0 } });
  const worker = await startWorker(mode, address, dir);
  const rssSamples: number[] = [];
  const rssTimer = setInterval(() => {
    const rss = rssMiB(worker.pid);
    if (rss !== undefined) rssSamples.push(rss);
  }, 1000);
  const runId = Date.now().toString(36);
  const playIds = Array.from({ length: sessions }, (_, i) => `bench-${runId}-${i}`);
  const sent = new Array<number>(sessions).fill(0);
  const signal = async (index: number): Promise<void> => {
    const detections = Array.from({ length: detectionsPerSignal }, (_, k) =>
      benchDetection(index, sent[index] + k, fingerprints),
    );
    sent[index] += detectionsPerSignal;
    await client.workflow
      .getHandle(sessionWorkflowId(playIds[index]))
      .signal(detectionsSignal, { batchId: `${playIds[index]}-${sent[index]}`, detections });
  };
  const result: Record<string, unknown> = {
    sessions,
    durationMs,
    signalsPerSecond,
    detectionsPerSignal,
    fingerprintsPerSession: fingerprints,
    workerMode: mode,
    incidents: 'off (open-incident cap 0)',
  };
  try {
    log(`starting ${sessions} sessions on ${address} (worker ${mode}, pid ${worker.pid})`);
    const rssBefore = rssMiB(worker.pid);
    const t0 = performance.now();
    await mapLimit(
      playIds,
      opts.startConcurrency ?? 50,
      async (playId) => void (await service.start(benchInput(playId))),
    );
    result.startSeconds = Math.round((performance.now() - t0) / 100) / 10;
    // every session has run its first task once each answers its query
    const readyBy = Date.now() + Math.max(120_000, sessions * 200);
    await mapLimit(playIds, 20, async (playId) => {
      for (;;) {
        try {
          await client.workflow.getHandle(sessionWorkflowId(playId)).query(statusQuery);
          return;
        } catch (error) {
          const gone = worker.exited();
          if (gone || Date.now() > readyBy)
            throw new Error(`session ${playId} never answered: ${gone ?? (error as Error).message}`);
          await sleep(200);
        }
      }
    });
    result.allAnsweringSeconds = Math.round((performance.now() - t0) / 100) / 10;
    result.workerRssMiB = { beforeSessions: rssBefore, withIdleSessions: rssMiB(worker.pid) };

    log(`steady stream: ${signalsPerSecond} signals/s for ${durationMs / 1000} s, sampling latency`);
    const deadline = Date.now() + durationMs;
    let streamed = 0;
    let streamErrors = 0;
    const stream = (async () => {
      const interval = 1000 / signalsPerSecond;
      let next = performance.now();
      const inFlight = new Set<Promise<void>>();
      while (Date.now() < deadline) {
        const index = streamed % sessions;
        streamed += 1;
        const p: Promise<void> = signal(index)
          .catch(() => void (streamErrors += 1))
          .finally(() => inFlight.delete(p));
        inFlight.add(p);
        next += interval;
        const wait = next - performance.now();
        if (wait > 0) await sleep(wait);
      }
      await Promise.all(inFlight);
    })();

    const latencies: number[] = [];
    const pauseMs = Math.max(10, durationMs / latencySamples);
    while (Date.now() < deadline && latencies.length < latencySamples) {
      const index = Math.floor(Math.random() * sessions);
      const handle = client.workflow.getHandle(sessionWorkflowId(playIds[index]));
      const started = performance.now();
      await signal(index);
      const expected = sent[index];
      for (;;) {
        const view = await handle.query(statusQuery);
        if (view.detections.total >= expected) break;
        if (performance.now() - started > 30_000)
          throw new Error(
            `${playIds[index]}: detections not visible after 30 s (${view.detections.total}/${expected})`,
          );
      }
      latencies.push(performance.now() - started);
      await sleep(pauseMs);
    }
    await stream;
    result.streamedSignals = streamed;
    result.streamErrors = streamErrors;
    result.signalLatencyMs = summarize(latencies);
    result.workerRssMiB = {
      ...(result.workerRssMiB as object),
      endOfStream: rssMiB(worker.pid),
      max: rssSamples.length ? Math.max(...rssSamples) : undefined,
    };
    return result;
  } finally {
    clearInterval(rssTimer);
    if (opts.address)
      await mapLimit(
        playIds,
        50,
        async (playId) => void (await service.end(playId, { reason: 'bench done' }).catch(() => undefined)),
      );
    await worker.stop();
    await connection.close();
    await server?.stop();
  }
}
