// Test fixtures for the watchdog integration tests: a local supervisor speaking the `healer dev`
// control contract (GET /components, POST /components/{name}/restart, POST /components/{name}/scale)
// whose "components" are in-process heartbeat senders against the real dev server.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Client } from '@temporalio/client';
import { startHeartbeat, type HeartbeatSender } from '../../runtime/heartbeat';

export interface SupervisorRequest {
  method: string;
  path: string;
  key?: string;
  body: unknown;
}

export interface FakeComponentOptions {
  client: Client;
  namespace: string;
  taskQueue: string;
  intervalMs: number;
}

export class FakeSupervisor {
  readonly requests: SupervisorRequest[] = [];
  /** Restarts of these components answer 202 but the component never comes back. */
  readonly brokenRestarts = new Set<string>();
  /** Restarts of these components answer 500. */
  readonly failingRestarts = new Set<string>();
  /** Restarts of these components wait for release(name) before the component comes back. */
  readonly heldRestarts = new Set<string>();
  readonly standby = new Map<string, number>();
  url = '';
  private server?: Server;
  private readonly running = new Map<string, HeartbeatSender>();
  /** Stopped senders whose last heartbeat may still be in flight. */
  private readonly stopping: Array<Promise<void>> = [];
  private readonly restarts = new Map<string, { count: number; lastKey?: string }>();
  private readonly cursors = new Map<string, { cursor: number; hasNewData: boolean; frozen: boolean }>();

  constructor(private readonly options: FakeComponentOptions) {}

  async start(components: string[]): Promise<void> {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const path = new URL(req.url ?? '/', 'http://x').pathname;
        const raw = Buffer.concat(chunks).toString('utf8');
        const key = req.headers['idempotency-key'] as string | undefined;
        this.requests.push({
          method: req.method ?? 'GET',
          path,
          ...(key ? { key } : {}),
          body: raw ? JSON.parse(raw) : undefined,
        });
        const send = (status: number, body: unknown) =>
          res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
        let m: RegExpMatchArray | null;
        if (req.method === 'GET' && path === '/components') {
          return send(200, {
            components: [...this.restarts.keys()].map((name) => ({
              name,
              running: this.running.has(name),
              restarts: this.restarts.get(name)!.count,
              lastRestartKey: this.restarts.get(name)!.lastKey,
            })),
          });
        }
        if (req.method === 'POST' && (m = path.match(/^\/components\/([^/]+)\/restart$/))) {
          const name = decodeURIComponent(m[1]);
          if (!this.restarts.has(name)) return send(404, { error: 'unknown component' });
          if (this.failingRestarts.has(name)) return send(500, { error: 'spawn failed' });
          const record = this.restarts.get(name)!;
          record.count += 1;
          record.lastKey = key;
          this.stopComponent(name);
          if (!this.brokenRestarts.has(name) && !this.heldRestarts.has(name)) this.startComponent(name);
          return send(202, { name, restarting: true });
        }
        if (req.method === 'POST' && (m = path.match(/^\/components\/([^/]+)\/scale$/))) {
          const name = decodeURIComponent(m[1]);
          this.standby.set(name, (JSON.parse(raw) as { replicas: number }).replicas);
          return send(200, { name, replicas: this.standby.get(name) });
        }
        send(404, { error: 'not found' });
      });
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    for (const name of components) {
      this.restarts.set(name, { count: 0 });
      this.startComponent(name);
    }
  }

  /** Start running (heartbeating) a component. */
  addComponent(name: string): void {
    this.restarts.set(name, { count: 0 });
    this.startComponent(name);
  }

  /** Simulate a crash: the component stops heartbeating. */
  kill(name: string): void {
    this.stopComponent(name);
  }

  /** Let a held restart complete: the component comes back. */
  release(name: string): void {
    this.heldRestarts.delete(name);
    if (!this.running.has(name)) this.startComponent(name);
  }

  /** Keep heartbeating but stop moving the cursor while the source has new data. */
  freeze(name: string): void {
    this.cursors.set(name, { ...this.cursors.get(name)!, frozen: true, hasNewData: true });
  }

  restartCount(name: string): number {
    return this.restarts.get(name)?.count ?? 0;
  }

  instanceOf(name: string): string | undefined {
    return this.running.get(name)?.instanceId;
  }

  private startComponent(name: string): void {
    this.cursors.set(name, { cursor: 0, hasNewData: true, frozen: false });
    const sender = startHeartbeat({
      client: this.options.client,
      namespace: this.options.namespace,
      component: name,
      version: 'test',
      intervalMs: this.options.intervalMs,
      taskQueue: this.options.taskQueue,
      progress: () => {
        const c = this.cursors.get(name)!;
        if (!c.frozen) c.cursor += 1;
        return { cursor: c.cursor, hasNewData: c.hasNewData };
      },
      onError: () => undefined,
    });
    this.running.set(name, sender);
  }

  private stopComponent(name: string): void {
    const sender = this.running.get(name);
    if (sender) this.stopping.push(sender.stop());
    this.running.delete(name);
  }

  async stop(): Promise<void> {
    for (const name of [...this.running.keys()]) this.stopComponent(name);
    await Promise.all(this.stopping);
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }
}
