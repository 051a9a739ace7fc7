// Starts a local Temporal dev server for `healer dev`, the demo and the tests: SQLite persistence
// (state survives a server restart), Healer's search attributes registered, Web UI on its port. With
// `restartOnCrash` (`healer dev`) a server that dies is started again on the same database, with the
// supervisor's back-off, and the log says so.
//
// SQLite runs with a write-ahead log and `synchronous=normal`: a commit no longer waits for an fsync,
// which on this kind of machine multiplied workflow-task throughput (1000-session benchmark) while a
// killed server or worker still loses nothing; only an operating-system crash can lose the last
// commits. Pass `sqlitePragmas: {}` for SQLite's own defaults.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, openSync } from 'node:fs';
import { dirname } from 'node:path';
import { Connection } from '@temporalio/client';
import { SEARCH_ATTRIBUTE_TYPES, searchAttributes } from '../core/contract';
import { RestartBackoff } from './restart-backoff';
import { ensureTemporalBinary } from './temporal-bin';

export interface DevServerOptions {
  ip?: string;
  port?: number;
  uiPort?: number;
  /** SQLite file; state survives restarts of the server. */
  dbFile: string;
  namespace?: string;
  headless?: boolean;
  /** SQLite pragmas (default: journal_mode=wal, synchronous=normal). */
  sqlitePragmas?: Record<string, string>;
  /** Dynamic config values, e.g. { 'limit.historyCount.suggestContinueAsNew': 100 }. */
  dynamicConfig?: Record<string, unknown>;
  /** Server output goes here (default: discarded). */
  logFile?: string;
  readyTimeoutMs?: number;
  log?: (line: string) => void;
  /** Start the server again (same database) whenever it exits without stop() (CLI servers only). */
  restartOnCrash?: boolean;
  /** Told when the server process exits and when a restarted one answers again. */
  onEvent?: (event: DevServerEvent) => void;
}

export type DevServerEvent =
  { kind: 'exit'; atMs: number; reason: string } | { kind: 'ready'; atMs: number; restart: number; downMs: number };

export interface DevServer {
  address: string;
  uiUrl?: string;
  namespace: string;
  /** How it was started: the project's CLI binary or the SDK's downloaded one. */
  kind: 'cli' | 'sdk-download';
  stop(): Promise<void>;
  /** Kills the server process at once, as a crash would (CLI servers only; restarted with `restartOnCrash`). */
  kill?(): Promise<void>;
  /** The current server process (CLI servers only). */
  pid?(): number | undefined;
}

export const DEFAULT_SQLITE_PRAGMAS: Readonly<Record<string, string>> = { journal_mode: 'wal', synchronous: 'normal' };

const pragmaArgs = (opts: DevServerOptions): string[] =>
  Object.entries(opts.sqlitePragmas ?? DEFAULT_SQLITE_PRAGMAS).flatMap(([name, value]) => [
    '--sqlite-pragma',
    `${name}=${value}`,
  ]);

export function devServerArgs(opts: DevServerOptions): string[] {
  const ip = opts.ip ?? '127.0.0.1';
  const args = ['server', 'start-dev', '--ip', ip, '--port', String(opts.port ?? 7233), '--db-filename', opts.dbFile];
  args.push('--namespace', opts.namespace ?? 'default', '--log-level', 'warn');
  if (opts.headless) args.push('--headless');
  else args.push('--ui-port', String(opts.uiPort ?? 8233));
  for (const [name, type] of Object.entries(SEARCH_ATTRIBUTE_TYPES)) args.push('--search-attribute', `${name}=${type}`);
  args.push(...pragmaArgs(opts));
  for (const [key, value] of Object.entries(opts.dynamicConfig ?? {}))
    args.push('--dynamic-config-value', `${key}=${JSON.stringify(value)}`);
  return args;
}

/** Resolves once the frontend answers and the namespace exists. */
export async function waitForServer(
  address: string,
  namespace: string,
  timeoutMs: number,
  exited?: () => string | undefined,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  while (Date.now() < deadline) {
    const why = exited?.();
    if (why) throw new Error(`Temporal dev server exited before it was ready: ${why}`);
    try {
      const connection = await Connection.connect({ address, connectTimeout: 1000 });
      try {
        await connection.workflowService.describeNamespace({ namespace });
        return;
      } finally {
        await connection.close();
      }
    } catch (error) {
      lastError = error;
      await new Promise((r) => setTimeout(r, 250));
    }
  }
  throw new Error(
    `Temporal dev server at ${address} not ready after ${timeoutMs} ms: ${(lastError as Error)?.message}`,
  );
}

/** SIGTERM, then SIGKILL after the grace period; with `crash`, SIGKILL at once. */
function stopChild(child: ChildProcess, crash = false, graceMs = 10_000): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const killer = setTimeout(() => child.kill('SIGKILL'), graceMs);
    child.once('exit', () => {
      clearTimeout(killer);
      resolve();
    });
    child.kill(crash ? 'SIGKILL' : 'SIGTERM');
  });
}

export async function startDevServer(opts: DevServerOptions): Promise<DevServer> {
  const namespace = opts.namespace ?? 'default';
  const ip = opts.ip ?? '127.0.0.1';
  const port = opts.port ?? 7233;
  const address = `${ip}:${port}`;
  const uiUrl = opts.headless ? undefined : `http://${ip}:${opts.uiPort ?? 8233}`;
  mkdirSync(dirname(opts.dbFile), { recursive: true });
  const binary = ensureTemporalBinary(opts.log);
  if (!binary) return startWithSdkDownload(opts, namespace, address, uiUrl);

  const out = opts.logFile ? openSync(opts.logFile, 'a') : 'ignore';
  const launch = () => {
    const child = spawn(binary, devServerArgs(opts), { stdio: ['ignore', out, out] });
    const run = { child, exitReason: undefined as string | undefined };
    child.once('exit', (code, signal) => (run.exitReason = `exit code ${code}${signal ? `, signal ${signal}` : ''}`));
    child.once('error', (error) => (run.exitReason = error.message));
    return run;
  };
  const first = launch();
  try {
    await waitForServer(address, namespace, opts.readyTimeoutMs ?? 60_000, () => first.exitReason);
  } catch (error) {
    await stopChild(first.child);
    throw error;
  }
  if (!opts.restartOnCrash) {
    const { child } = first;
    return {
      address,
      uiUrl,
      namespace,
      kind: 'cli',
      stop: () => stopChild(child),
      kill: () => stopChild(child, true),
      pid: () => child.pid,
    };
  }
  const keeper = new ServerKeeper(first, launch, opts, address, namespace);
  return {
    address,
    uiUrl,
    namespace,
    kind: 'cli',
    stop: () => keeper.stop(),
    kill: () => stopChild(keeper.current.child, true),
    pid: () => keeper.current.child.pid,
  };
}

type ServerRun = { child: ChildProcess; exitReason: string | undefined };

/** Keeps a dev server running: a server process that exits without stop() is started again, same database. */
class ServerKeeper {
  private stopping = false;
  private restarts = 0;
  private readonly backoff = new RestartBackoff();

  constructor(
    public current: ServerRun,
    private readonly launch: () => ServerRun,
    private readonly opts: DevServerOptions,
    private readonly address: string,
    private readonly namespace: string,
  ) {
    this.watch(current);
  }

  async stop(): Promise<void> {
    this.stopping = true;
    await stopChild(this.current.child);
  }

  private watch(run: ServerRun): void {
    run.child.once('exit', () => void this.restart(run));
  }

  private async restart(run: ServerRun): Promise<void> {
    if (this.stopping || run !== this.current) return;
    const downSince = Date.now();
    const reason = run.exitReason ?? 'exited';
    this.opts.onEvent?.({ kind: 'exit', atMs: downSince, reason });
    let ready = false;
    let wasServing = true; // the run that exited had been serving; a failed restart attempt had not
    while (!this.stopping && !ready) {
      const delayMs = this.backoff.afterExit({ uptimeMs: 0, ready: wasServing });
      this.opts.log?.(
        `Temporal dev server exited (${reason}); restarting it with the same database ${this.opts.dbFile} in ${delayMs / 1000} s`,
      );
      await new Promise((resolve) => setTimeout(resolve, delayMs));
      if (this.stopping) return;
      this.restarts += 1;
      const next = this.launch();
      this.current = next;
      try {
        await waitForServer(this.address, this.namespace, this.opts.readyTimeoutMs ?? 60_000, () => next.exitReason);
        ready = true;
      } catch (error) {
        this.opts.log?.(`Temporal dev server did not come back: ${(error as Error).message}`);
        await stopChild(next.child, true);
        wasServing = false;
      }
    }
    if (!ready || this.stopping) return;
    this.backoff.cameUp();
    const downMs = Date.now() - downSince;
    this.opts.log?.(
      `Temporal dev server is back on ${this.address} (restart ${this.restarts}, down ${Math.round(downMs / 100) / 10} s)`,
    );
    this.opts.onEvent?.({ kind: 'ready', atMs: Date.now(), restart: this.restarts, downMs });
    this.watch(this.current);
  }
}

/** No binary and no Go: let the SDK download its dev server (needs internet access). */
async function startWithSdkDownload(
  opts: DevServerOptions,
  namespace: string,
  address: string,
  uiUrl?: string,
): Promise<DevServer> {
  opts.log?.('no temporal binary and no Go: falling back to the SDK-downloaded dev server');
  const { TestWorkflowEnvironment } = await import('@temporalio/testing');
  const env = await TestWorkflowEnvironment.createLocal({
    server: {
      ip: opts.ip ?? '127.0.0.1',
      port: opts.port ?? 7233,
      namespace,
      dbFilename: opts.dbFile,
      ui: !opts.headless,
      uiPort: opts.uiPort,
      searchAttributes: Object.values(searchAttributes),
      extraArgs: [
        ...pragmaArgs(opts),
        ...Object.entries(opts.dynamicConfig ?? {}).flatMap(([k, v]) => [
          '--dynamic-config-value',
          `${k}=${JSON.stringify(v)}`,
        ]),
      ],
    },
  });
  return { address, uiUrl, namespace, kind: 'sdk-download', stop: () => env.teardown() };
}
