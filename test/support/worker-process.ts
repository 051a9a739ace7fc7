// Starts test/support/worker-process-entry.js as a child process: one real main worker per process, as
// a second pod would run it. Used by the scaling test and the scaling benchmark.
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { projectRoot } from '../../runtime/paths';

export interface WorkerProcessOptions {
  address: string;
  taskQueue: string;
  identity: string;
  /** A pre-built bundle of every Healer workflow. */
  bundlePath: string;
  stateDir: string;
  /** GitHub API the activities talk to (with a token); unset: GitHub runs dry. */
  githubUrl?: string;
  /** Another entry script under test/support (default: the main worker's), speaking the same protocol. */
  entry?: string;
  /** More environment for the child. */
  env?: Record<string, string>;
}

export interface WorkerProcess {
  identity: string;
  pid: number;
  /** Resolves when the child prints this word on its own line (see the entry's protocol). */
  said(word: 'ready' | 'sigterm' | 'stopped', timeoutMs?: number): Promise<void>;
  /** How the child ended (exit code, or the signal that killed it). */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  kill(signal: NodeJS.Signals): void;
  /** SIGTERM, then waits for the drain (SIGKILL after `graceMs`). */
  stop(graceMs?: number): Promise<void>;
  stderr(): string;
}

export function startWorkerProcess(opts: WorkerProcessOptions): WorkerProcess {
  const child: ChildProcess = spawn(
    process.execPath,
    [join(projectRoot(), 'test', 'support', opts.entry ?? 'worker-process-entry.js')],
    {
      env: {
        ...process.env,
        TEMPORAL_ADDRESS: opts.address,
        HEALER_WORKER_TASK_QUEUE: opts.taskQueue,
        HEALER_WORKER_IDENTITY: opts.identity,
        HEALER_TEST_WORKFLOW_BUNDLE: opts.bundlePath,
        HEALER_STATE_DIR: opts.stateDir,
        HEALER_LOG_LEVEL: 'warn',
        GITHUB_TOKEN: opts.githubUrl ? 'test-token' : '',
        GITHUB_API_URL: opts.githubUrl ?? '',
        GEMINI_API_KEY: '',
        KUBERNETES_SERVICE_HOST: '',
        ...opts.env,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  const words: string[] = [];
  const waiters: Array<() => void> = [];
  let out = '';
  let err = '';
  child.stdout!.on('data', (chunk: Buffer) => {
    out += chunk.toString('utf8');
    const lines = out.split('\n');
    out = lines.pop()!;
    words.push(...lines.map((l) => l.trim()));
    for (const wake of waiters.splice(0)) wake();
  });
  child.stderr!.on('data', (chunk: Buffer) => (err = (err + chunk.toString('utf8')).slice(-20_000)));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.once('exit', (code, signal) => {
      resolve({ code, signal });
      for (const wake of waiters.splice(0)) wake();
    });
  });
  const gone = (): boolean => child.exitCode !== null || child.signalCode !== null;

  const said = (word: string, timeoutMs = 60_000): Promise<void> =>
    new Promise((resolve, reject) => {
      const timer = setTimeout(
        () =>
          reject(
            new Error(
              `worker ${opts.identity} did not say "${word}" within ${timeoutMs} ms; stderr: ${err.slice(-2000)}`,
            ),
          ),
        timeoutMs,
      );
      const check = (): void => {
        if (words.includes(word)) {
          clearTimeout(timer);
          resolve();
        } else if (gone()) {
          clearTimeout(timer);
          reject(
            new Error(
              `worker ${opts.identity} exited (${child.exitCode ?? child.signalCode}) before saying "${word}"; stderr: ${err.slice(-2000)}`,
            ),
          );
        } else waiters.push(check);
      };
      check();
    });

  return {
    identity: opts.identity,
    pid: child.pid!,
    said,
    exited,
    kill: (signal) => void (gone() ? undefined : child.kill(signal)),
    async stop(graceMs = 30_000) {
      if (gone()) return;
      const killer = setTimeout(() => child.kill('SIGKILL'), graceMs);
      child.kill('SIGTERM');
      await exited;
      clearTimeout(killer);
    },
    stderr: () => err,
  };
}
