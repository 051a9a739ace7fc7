// Runs Healer's components as child processes for `healer dev` and keeps them running, like a process
// manager: a component that exits is started again at once, with back-off while it keeps dying before it
// comes up (runtime/restart-backoff.ts). A crash loop is reported as `failed` and still retried, so a
// transient cause clears on its own. A component that is alive but hung (silent) is the watchdog's job:
// it restarts it through the control endpoint.
//   GET  /components                  each component: pid, status, restarts, last exit, heartbeat attempts
//   POST /components/{name}/restart   stop it (SIGTERM, SIGKILL after the grace; `force`: 2 s) and start it
//   POST /components/{name}/kill      SIGKILL and keep it down until restarted (like `pm2 stop`)
//   POST /components/{name}/hang      SIGSTOP: alive but silent, as a hung process (tests, benchmarks)
import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, mkdirSync, openSync } from 'node:fs';
import { dirname } from 'node:path';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import { childProcessEnv } from './config';
import { newControlToken, pathBelowToken } from './control-token';
import { isHeartbeatReport } from './component-report';
import { DEFAULT_BACKOFF, RestartBackoff, type BackoffPolicy } from './restart-backoff';

export interface ComponentSpec {
  name: string;
  command: string;
  args: string[];
  /** Added to the supervisor's own environment. */
  env?: Record<string, string | undefined>;
  /** Append the component's stdout and stderr here (default: inherit the supervisor's). */
  logFile?: string;
}

/** `backing-off`: exited, starts again at `nextStartAt`; `failed`: the same, after a crash loop; `stopped`: on request. */
export type ComponentStatus = 'running' | 'backing-off' | 'failed' | 'stopped';

export interface ComponentState {
  name: string;
  pid?: number;
  running: boolean;
  status: ComponentStatus;
  /** Starts after the first, automatic or requested. */
  restarts: number;
  startedAt?: string;
  /** A heartbeat got through since this start. */
  ready: boolean;
  lastExit?: string;
  lastExitAt?: string;
  nextStartAt?: string;
  failedReason?: string;
  /** Reported by the component: its last heartbeat attempt, and the last one delivered. */
  lastHeartbeatAttemptAt?: string;
  lastHeartbeatDeliveredAt?: string;
  /** Idempotency-Key of the last restart requested through the endpoint (a retried request applies once). */
  lastRestartKey?: string;
}

export type SupervisorEvent =
  | { kind: 'exit'; name: string; atMs: number; reason: string }
  | { kind: 'start'; name: string; atMs: number; pid?: number; cause: 'initial' | 'exit' | 'request' }
  | { kind: 'ready'; name: string; atMs: number };

export interface SupervisorOptions {
  backoff?: BackoffPolicy;
  /** Between SIGTERM and SIGKILL when stopping or restarting (default 25 s: a worker drains for 20 s). */
  graceMs?: number;
  onEvent?: (event: SupervisorEvent) => void;
}

interface Managed {
  spec: ComponentSpec;
  child?: ChildProcess;
  state: ComponentState;
  backoff: RestartBackoff;
  startedAtMs: number;
  /** The pending automatic start. */
  timer?: NodeJS.Timeout;
  /** Marks the run stable after a minute without a ready report. */
  stableTimer?: NodeJS.Timeout;
  /** Killed on request: stays down until restarted. */
  held: boolean;
  restarting?: Promise<ComponentState>;
}

const FORCE_GRACE_MS = 2000;
const iso = (ms: number): string => new Date(ms).toISOString();

export class Supervisor {
  private readonly components = new Map<string, Managed>();
  private readonly backoffPolicy: BackoffPolicy;
  private server?: Server;
  private stopping = false;

  constructor(
    private readonly log: (line: string) => void = (line) => console.error(line),
    private readonly options: SupervisorOptions = {},
  ) {
    this.backoffPolicy = options.backoff ?? DEFAULT_BACKOFF;
  }

  start(spec: ComponentSpec): ComponentState {
    const managed: Managed = {
      spec,
      state: { name: spec.name, running: false, status: 'running', restarts: 0, ready: false },
      backoff: new RestartBackoff(this.backoffPolicy),
      startedAtMs: Date.now(),
      held: false,
    };
    this.components.set(spec.name, managed);
    this.spawn(managed, 'initial');
    return { ...managed.state };
  }

  list(): ComponentState[] {
    return [...this.components.values()].map((m) => ({ ...m.state }));
  }

  /** Stop and start again now (the watchdog's restart of a hung component); a repeated key applies once. */
  restart(name: string, opts: { key?: string; force?: boolean } = {}): Promise<ComponentState> {
    const managed = this.require(name);
    if (opts.key !== undefined && opts.key === managed.state.lastRestartKey)
      return managed.restarting ?? Promise.resolve({ ...managed.state });
    if (opts.key !== undefined) managed.state.lastRestartKey = opts.key;
    managed.restarting ??= this.replace(managed, opts.force === true).finally(() => (managed.restarting = undefined));
    return managed.restarting;
  }

  /** SIGKILL, and keep it down until restarted. */
  async kill(name: string): Promise<ComponentState> {
    const managed = this.require(name);
    managed.held = true;
    this.cancelStart(managed);
    await this.terminate(managed.child, 'SIGKILL');
    return { ...managed.state };
  }

  /** SIGSTOP: the process stays alive but does nothing, as a hung one (the watchdog must notice). */
  hang(name: string): ComponentState {
    const managed = this.require(name);
    managed.child?.kill('SIGSTOP');
    return { ...managed.state };
  }

  /** Start now whatever is waiting out a back-off (e.g. once the Temporal server it needs is back). */
  retryNow(): void {
    for (const managed of this.components.values()) {
      if (!managed.timer || managed.held) continue;
      this.cancelStart(managed);
      managed.state.restarts += 1;
      this.spawn(managed, 'exit');
    }
  }

  async stopAll(): Promise<void> {
    this.stopping = true;
    for (const managed of this.components.values()) this.cancelStart(managed);
    await Promise.all([...this.components.values()].map((m) => this.terminate(m.child, 'SIGTERM')));
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  /** Serves the control endpoint; resolves to its URL, which carries a random per-run token (runtime/control-token.ts). */
  listen(port: number, host = '127.0.0.1'): Promise<string> {
    const token = newControlToken();
    this.server = createServer((req, res) => {
      const send = (code: number, body: unknown) => {
        res.writeHead(code, { 'content-type': 'application/json' });
        res.end(JSON.stringify(body));
      };
      const path = pathBelowToken(req.url, token);
      if (path === undefined) return send(401, { error: 'unauthorized', message: 'unknown supervisor token' });
      req.url = path; // routes below see /components/…
      this.route(req).then(
        ({ code, body }) => send(code, body),
        (error: Error) => send(500, { error: 'internal', message: error.message }),
      );
    });
    return new Promise((resolve, reject) => {
      this.server!.once('error', reject);
      this.server!.listen(port, host, () => {
        const address = this.server!.address() as { port: number };
        resolve(`http://${host}:${address.port}/${token}`);
      });
    });
  }

  private async route(req: IncomingMessage): Promise<{ code: number; body: unknown }> {
    const path = new URL(req.url ?? '/', 'http://supervisor').pathname;
    const match = /^\/components(?:\/([^/]+)\/(restart|kill|hang))?\/?$/.exec(path);
    if (!match) return { code: 404, body: { error: 'not_found', message: `no route ${req.method} ${req.url}` } };
    const [, rawName, action] = match;
    if (!rawName)
      return req.method === 'GET'
        ? { code: 200, body: { components: this.list() } }
        : { code: 405, body: { error: 'method_not_allowed' } };
    if (req.method !== 'POST') return { code: 405, body: { error: 'method_not_allowed' } };
    const name = decodeURIComponent(rawName);
    if (!this.components.has(name)) return { code: 404, body: { error: 'not_found', message: `no component ${name}` } };
    if (action === 'kill') return { code: 200, body: await this.kill(name) };
    if (action === 'hang') return { code: 200, body: this.hang(name) };
    const body = await readJson(req);
    const header = req.headers['idempotency-key'];
    const key = typeof header === 'string' && header ? header : typeof body.key === 'string' ? body.key : undefined;
    const alreadyApplied = key !== undefined && key === this.components.get(name)!.state.lastRestartKey;
    // Answer once the restart is under way: stopping a hung component may take its whole grace period.
    void this.restart(name, { ...(key ? { key } : {}), force: body.force === true }).catch((error: Error) =>
      this.log(`[supervisor] restart of ${name} failed: ${error.message}`),
    );
    return { code: 202, body: { ...this.list().find((c) => c.name === name), alreadyApplied } };
  }

  private async replace(managed: Managed, force: boolean): Promise<ComponentState> {
    const { state } = managed;
    managed.held = false;
    this.cancelStart(managed);
    const old = managed.child;
    managed.child = undefined; // its exit is ours, not a crash to back off from
    this.log(`[supervisor] restarting ${state.name}${force ? ' (forced)' : ''}`);
    await this.terminate(old, 'SIGTERM', force ? FORCE_GRACE_MS : undefined);
    if (this.stopping) return { ...state };
    Object.assign(state, { lastExit: 'restarted on request', lastExitAt: iso(Date.now()) });
    state.restarts += 1;
    managed.backoff.cameUp(); // a requested restart is a fresh start, not a step of a crash loop
    this.spawn(managed, 'request');
    return { ...state };
  }

  private require(name: string): Managed {
    const managed = this.components.get(name);
    if (!managed) throw new Error(`no component ${name}`);
    return managed;
  }

  private cancelStart(managed: Managed): void {
    clearTimeout(managed.timer);
    managed.timer = undefined;
    managed.state.nextStartAt = undefined;
  }

  private spawn(managed: Managed, cause: 'initial' | 'exit' | 'request'): void {
    const { spec, state } = managed;
    let out: 'inherit' | number = 'inherit';
    if (spec.logFile) {
      mkdirSync(dirname(spec.logFile), { recursive: true });
      out = openSync(spec.logFile, 'a');
    }
    // The IPC channel carries the component's heartbeat reports (runtime/component-report.ts).
    const child = spawn(spec.command, spec.args, {
      env: childProcessEnv(spec.env),
      stdio: ['ignore', out, out, 'ipc'],
    });
    if (typeof out === 'number') closeSync(out); // the child has its own copy
    managed.child = child;
    managed.startedAtMs = Date.now();
    Object.assign(state, {
      pid: child.pid,
      running: true,
      ready: false,
      startedAt: iso(managed.startedAtMs),
      status: state.failedReason ? 'failed' : 'running',
      nextStartAt: undefined,
    });
    this.emit({ kind: 'start', name: spec.name, atMs: managed.startedAtMs, pid: child.pid, cause });
    clearTimeout(managed.stableTimer);
    managed.stableTimer = setTimeout(() => this.cameUp(managed, child), this.backoffPolicy.stableAfterMs);
    managed.stableTimer.unref();

    child.on('message', (message) => {
      if (!isHeartbeatReport(message) || managed.child !== child) return;
      state.lastHeartbeatAttemptAt = message.at;
      if (!message.delivered) return;
      state.lastHeartbeatDeliveredAt = message.at;
      if (!state.ready) {
        state.ready = true;
        this.emit({ kind: 'ready', name: spec.name, atMs: Date.now() });
        this.cameUp(managed, child);
      }
    });
    let ended = false;
    const onEnd = (reason: string) => {
      if (ended) return;
      ended = true;
      this.exited(managed, child, reason);
    };
    child.once('exit', (code, signal) => onEnd(signal ? `signal ${signal}` : `exit code ${code}`));
    child.once('error', (error) => onEnd(`could not run: ${error.message}`));
  }

  private exited(managed: Managed, child: ChildProcess, reason: string): void {
    const now = Date.now();
    this.emit({ kind: 'exit', name: managed.spec.name, atMs: now, reason });
    if (managed.child !== child) return; // replaced by a requested restart
    clearTimeout(managed.stableTimer);
    const { state } = managed;
    managed.child = undefined;
    Object.assign(state, { pid: undefined, running: false, ready: false, lastExit: reason, lastExitAt: iso(now) });
    if (this.stopping || managed.held) {
      state.status = 'stopped';
      if (!this.stopping) this.log(`[supervisor] ${state.name} stopped (${reason}); kept down until restarted`);
      return;
    }
    const delayMs = managed.backoff.afterExit({ uptimeMs: now - managed.startedAtMs, ready: state.ready });
    const retryIn = delayMs === 0 ? 'now' : `in ${Math.round(delayMs / 100) / 10} s`;
    if (managed.backoff.failed) {
      state.status = 'failed';
      state.failedReason = `${managed.backoff.unstable} starts in a row ended before it came up (last: ${reason})`;
      this.log(
        `[supervisor] ${state.name} stopped (${reason}); marked failed: ${state.failedReason}; trying again ${retryIn}`,
      );
    } else {
      state.status = 'backing-off';
      this.log(`[supervisor] ${state.name} stopped (${reason}); restarting ${retryIn}`);
    }
    state.nextStartAt = iso(now + delayMs);
    managed.timer = setTimeout(() => {
      managed.timer = undefined;
      state.restarts += 1;
      this.spawn(managed, 'exit');
    }, delayMs);
  }

  /** The run came up (first heartbeat delivered, or a stable minute): back-off starts over, failed is cleared. */
  private cameUp(managed: Managed, child: ChildProcess): void {
    if (managed.child !== child) return;
    managed.backoff.cameUp();
    const { state } = managed;
    if (state.failedReason) {
      this.log(`[supervisor] ${state.name} is back (was failed: ${state.failedReason})`);
      state.failedReason = undefined;
    }
    state.status = 'running';
  }

  private emit(event: SupervisorEvent): void {
    this.options.onEvent?.(event);
  }

  /** Signal and wait for the exit; SIGKILL after the grace. A stopped (hung) process is continued so it can exit. */
  private terminate(child: ChildProcess | undefined, signal: NodeJS.Signals, graceMs?: number): Promise<void> {
    if (!child || child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
    return new Promise((resolve) => {
      const force = setTimeout(() => child.kill('SIGKILL'), graceMs ?? this.options.graceMs ?? 25_000);
      child.once('exit', () => {
        clearTimeout(force);
        resolve();
      });
      child.kill(signal);
      if (signal !== 'SIGKILL') child.kill('SIGCONT');
    });
  }
}

/** The request's JSON object body; anything else (none, malformed, not an object) reads as `{}`. */
function readJson(req: IncomingMessage): Promise<Record<string, unknown>> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      try {
        const parsed: unknown = JSON.parse(Buffer.concat(chunks).toString('utf8'));
        resolve(
          typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)
            ? (parsed as Record<string, unknown>)
            : {},
        );
      } catch {
        resolve({});
      }
    });
  });
}
