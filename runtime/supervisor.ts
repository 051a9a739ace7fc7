// Runs Healer's components as child processes for `healer dev`, with a small control endpoint so
// the watchdog's restart actions (and benchmarks) can restart or kill a component on one machine.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, openSync } from 'node:fs';
import { dirname } from 'node:path';
import { createServer, type Server } from 'node:http';

export interface ComponentSpec {
  name: string;
  command: string;
  args: string[];
  env?: NodeJS.ProcessEnv;
  /** Append the component's stdout and stderr here (default: inherit the supervisor's). */
  logFile?: string;
}

export interface ComponentState {
  name: string;
  pid?: number;
  running: boolean;
  restarts: number;
  startedAt?: string;
  lastExit?: string;
}

interface Managed {
  spec: ComponentSpec;
  child?: ChildProcess;
  state: ComponentState;
}

export class Supervisor {
  private readonly components = new Map<string, Managed>();
  private server?: Server;
  private stopping = false;

  constructor(private readonly log: (line: string) => void = (line) => console.error(line)) {}

  start(spec: ComponentSpec): ComponentState {
    const managed: Managed = { spec, state: { name: spec.name, running: false, restarts: 0 } };
    this.components.set(spec.name, managed);
    this.spawn(managed);
    return managed.state;
  }

  list(): ComponentState[] {
    return [...this.components.values()].map((m) => ({ ...m.state }));
  }

  async restart(name: string): Promise<ComponentState> {
    const managed = this.require(name);
    await this.terminate(managed, 'SIGTERM');
    managed.state.restarts += 1;
    this.spawn(managed);
    return { ...managed.state };
  }

  /** Kills without restarting (simulates a crash; the watchdog is expected to notice). */
  async kill(name: string): Promise<ComponentState> {
    const managed = this.require(name);
    await this.terminate(managed, 'SIGKILL');
    return { ...managed.state };
  }

  async stopAll(): Promise<void> {
    this.stopping = true;
    await Promise.all([...this.components.values()].map((m) => this.terminate(m, 'SIGTERM')));
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  /** GET /components, POST /components/{name}/restart, POST /components/{name}/kill. */
  listen(port: number, host = '127.0.0.1'): Promise<string> {
    this.server = createServer((req, res) => {
      const send = (code: number, body: unknown) => {
        res.writeHead(code, { 'content-type': 'application/json' });
        res.end(JSON.stringify(body));
      };
      const match = /^\/components(?:\/([^/]+)\/(restart|kill))?\/?$/.exec(req.url ?? '');
      if (!match) return send(404, { error: 'not_found', message: `no route ${req.method} ${req.url}` });
      const [, name, action] = match;
      if (!name)
        return req.method === 'GET'
          ? send(200, { components: this.list() })
          : send(405, { error: 'method_not_allowed' });
      if (req.method !== 'POST') return send(405, { error: 'method_not_allowed' });
      if (!this.components.has(name)) return send(404, { error: 'not_found', message: `no component ${name}` });
      (action === 'restart' ? this.restart(name) : this.kill(name)).then(
        (state) => send(200, state),
        (error: Error) => send(500, { error: 'internal', message: error.message }),
      );
    });
    return new Promise((resolve, reject) => {
      this.server!.once('error', reject);
      this.server!.listen(port, host, () => {
        const address = this.server!.address() as { port: number };
        resolve(`http://${host}:${address.port}`);
      });
    });
  }

  private require(name: string): Managed {
    const managed = this.components.get(name);
    if (!managed) throw new Error(`no component ${name}`);
    return managed;
  }

  private spawn(managed: Managed): void {
    const { spec } = managed;
    let out: 'inherit' | number = 'inherit';
    if (spec.logFile) {
      mkdirSync(dirname(spec.logFile), { recursive: true });
      out = openSync(spec.logFile, 'a');
    }
    const child = spawn(spec.command, spec.args, { env: { ...process.env, ...spec.env }, stdio: ['ignore', out, out] });
    managed.child = child;
    managed.state.pid = child.pid;
    managed.state.running = true;
    managed.state.startedAt = new Date().toISOString();
    child.once('exit', (code, signal) => {
      if (managed.child !== child) return;
      managed.state.running = false;
      managed.state.lastExit = signal ? `signal ${signal}` : `exit code ${code}`;
      if (!this.stopping) this.log(`[supervisor] ${spec.name} stopped (${managed.state.lastExit})`);
    });
  }

  private terminate(managed: Managed, signal: NodeJS.Signals, graceMs = 25_000): Promise<void> {
    const child = managed.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
    return new Promise((resolve) => {
      const force = setTimeout(() => child.kill('SIGKILL'), graceMs);
      child.once('exit', () => {
        clearTimeout(force);
        resolve();
      });
      child.kill(signal);
    });
  }
}
