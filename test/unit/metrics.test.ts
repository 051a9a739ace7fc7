// Healer's metrics module: names and types as Prometheus expects, HTTP metrics by route template,
// the worker /metrics server, and the relay of the Temporal runtime's own exporter.
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import { join } from 'node:path';
import Fastify from 'fastify';
import { validateMetricName } from 'prom-client';
import {
  createMetrics,
  instrumentFastify,
  serveMetrics,
  temporalPrometheusTelemetry,
  type MetricsServer,
} from '../../runtime/metrics';
import { freePort } from '../support/ports';

const OWN = [
  ['healer_lines_scanned_total', 'counter'],
  ['healer_detections_total', 'counter'],
  ['healer_signals_sent_total', 'counter'],
  ['healer_incidents_total', 'counter'],
  ['healer_model_calls_total', 'counter'],
  ['healer_model_budget_spent_usd', 'gauge'],
  ['healer_playbook_runs_total', 'counter'],
  ['healer_http_requests_total', 'counter'],
  ['healer_http_request_duration_seconds', 'histogram'],
] as const;

/** The value of one sample line `name{labels} value` in Prometheus text. */
function sample(text: string, name: string, labels: Record<string, string>): number | undefined {
  for (const line of text.split('\n')) {
    if (!line.startsWith(`${name}{`)) continue;
    if (Object.entries(labels).every(([k, v]) => line.includes(`${k}="${v}"`)))
      return Number(line.slice(line.lastIndexOf(' ') + 1));
  }
  return undefined;
}

describe('metrics registry', () => {
  test('every Healer metric is registered with a conventional name, type and help', async () => {
    const metrics = createMetrics({ component: 'worker' });
    const text = await metrics.registry.metrics();
    for (const [name, type] of OWN) {
      expect(validateMetricName(name)).toBe(true);
      expect(text).toContain(`# TYPE ${name} ${type}`);
      expect(text).toMatch(new RegExp(`# HELP ${name} \\S`));
      if (type === 'counter') expect(name).toMatch(/_total$/);
    }
    // default process metrics come along
    expect(text).toContain('# TYPE process_cpu_user_seconds_total counter');
    expect(text).toContain('nodejs_eventloop_lag_seconds');
  });

  test('values carry their labels and the component label', async () => {
    const metrics = createMetrics({ component: 'scanner', defaultMetrics: false });
    metrics.linesScanned.inc({ source: 'loki' }, 120);
    metrics.detections.inc({ code: 'R2' });
    metrics.detections.inc({ code: 'R2' });
    metrics.modelCalls.inc({ model: 'gemini-2.5-flash', outcome: 'rate_limited' });
    metrics.modelBudgetSpentUsd.set(0.42);
    metrics.playbookRuns.inc({ playbook: 'healer_mutual_restart', outcome: 'succeeded' });
    const text = await metrics.registry.metrics();
    expect(sample(text, 'healer_lines_scanned_total', { source: 'loki', component: 'scanner' })).toBe(120);
    expect(sample(text, 'healer_detections_total', { code: 'R2' })).toBe(2);
    expect(sample(text, 'healer_model_calls_total', { model: 'gemini-2.5-flash', outcome: 'rate_limited' })).toBe(1);
    expect(text).toMatch(/healer_model_budget_spent_usd\{component="scanner"\} 0\.42/);
    expect(
      sample(text, 'healer_playbook_runs_total', { playbook: 'healer_mutual_restart', outcome: 'succeeded' }),
    ).toBe(1);
    expect(text).not.toContain('process_cpu');
  });

  test('two registries do not share values', async () => {
    const a = createMetrics({ defaultMetrics: false });
    const b = createMetrics({ defaultMetrics: false });
    a.signalsSent.inc({ signal: 'detections' });
    expect(sample(await a.registry.metrics(), 'healer_signals_sent_total', { signal: 'detections' })).toBe(1);
    expect(sample(await b.registry.metrics(), 'healer_signals_sent_total', { signal: 'detections' })).toBeUndefined();
  });
});

describe('HTTP metrics on a Fastify app', () => {
  test('requests are counted by route template, method and status, with durations', async () => {
    const metrics = createMetrics({ defaultMetrics: false });
    const app = Fastify();
    instrumentFastify(app, metrics);
    app.get<{ Params: { play_id: string } }>('/api/v1/session/:play_id', async (request, reply) =>
      request.params.play_id === 'missing' ? reply.code(404).send({}) : { ok: true },
    );
    app.post('/raw', async (_request, reply) => {
      // a hijacked reply, as the MCP route writes its own response
      reply.hijack();
      reply.raw.writeHead(202).end('accepted');
    });
    await app.listen({ host: '127.0.0.1', port: 0 });
    const base = `http://127.0.0.1:${(app.server.address() as { port: number }).port}`;
    try {
      for (const id of ['a', 'b', 'missing']) await (await fetch(`${base}/api/v1/session/${id}`)).text();
      await (await fetch(`${base}/raw`, { method: 'POST' })).text();
      await (await fetch(`${base}/no/such/route`)).text();
      const text = await metrics.registry.metrics();
      const route = '/api/v1/session/:play_id';
      expect(sample(text, 'healer_http_requests_total', { route, method: 'GET', status: '200' })).toBe(2);
      expect(sample(text, 'healer_http_requests_total', { route, method: 'GET', status: '404' })).toBe(1);
      expect(sample(text, 'healer_http_requests_total', { route: '/raw', method: 'POST', status: '202' })).toBe(1);
      expect(sample(text, 'healer_http_requests_total', { route: 'unmatched', method: 'GET', status: '404' })).toBe(1);
      expect(text).not.toContain('session/a"');
      expect(text).toMatch(
        /healer_http_request_duration_seconds_count\{route="\/api\/v1\/session\/:play_id",method="GET"\} 3/,
      );
    } finally {
      await app.close();
    }
  });
});

describe('worker metrics server', () => {
  let server: MetricsServer | undefined;
  let fake: Server | undefined;
  afterEach(async () => {
    await server?.close();
    server = undefined;
    await new Promise<void>((resolve) => (fake ? fake.close(() => resolve()) : resolve()));
    fake = undefined;
  });

  test('serves /metrics and /health; appends the Temporal exporter text', async () => {
    // a Prometheus exporter speaking the text format, standing where the Temporal core serves
    fake = createServer((req, res) => {
      res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4' });
      res.end(
        '# HELP temporal_worker_task_slots_available_total x\n# TYPE temporal_worker_task_slots_available_total gauge\ntemporal_worker_task_slots_available_total{worker_type="ActivityWorker"} 100\n',
      );
    });
    await new Promise<void>((resolve) => fake!.listen(0, '127.0.0.1', () => resolve()));
    const fakePort = (fake.address() as { port: number }).port;
    const metrics = createMetrics({ component: 'worker', defaultMetrics: false });
    metrics.signalsSent.inc({ signal: 'detections' }, 3);
    let healthy = true;
    server = await serveMetrics({
      registry: metrics.registry,
      port: 0,
      host: '127.0.0.1',
      temporalMetricsUrl: `http://127.0.0.1:${fakePort}/metrics`,
      health: () => healthy,
    });

    const response = await fetch(`${server.url}/metrics`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toContain('text/plain');
    const text = await response.text();
    expect(sample(text, 'healer_signals_sent_total', { signal: 'detections', component: 'worker' })).toBe(3);
    expect(sample(text, 'temporal_worker_task_slots_available_total', { worker_type: 'ActivityWorker' })).toBe(100);

    expect((await fetch(`${server.url}/health`)).status).toBe(200);
    healthy = false;
    expect((await fetch(`${server.url}/health`)).status).toBe(503);
    expect((await fetch(`${server.url}/nope`)).status).toBe(404);
  });

  test('an unreachable Temporal exporter leaves a comment, not a failed scrape', async () => {
    const metrics = createMetrics({ defaultMetrics: false });
    const dead = await freePort();
    server = await serveMetrics({
      registry: metrics.registry,
      port: 0,
      host: '127.0.0.1',
      temporalMetricsUrl: `http://127.0.0.1:${dead}/metrics`,
    });
    const response = await fetch(`${server.url}/metrics`);
    expect(response.status).toBe(200);
    const text = await response.text();
    expect(text).toContain('# TYPE healer_detections_total counter');
    expect(text).toMatch(/# temporal runtime metrics unavailable: .*127\.0\.0\.1:\d+/);
  });

  test("relays the Temporal runtime's real exporter (Runtime.install telemetry, connected to the dev server)", async () => {
    const port = await freePort();
    const child: ChildProcess = spawn(
      process.execPath,
      [join(__dirname, '..', 'support', 'temporal-metrics-child.js')],
      {
        cwd: join(__dirname, '..', '..'),
        env: {
          ...process.env,
          TEMPORAL_ADDRESS: process.env.HEALER_TEST_TEMPORAL_ADDRESS,
          TELEMETRY_OPTIONS: JSON.stringify(temporalPrometheusTelemetry(`127.0.0.1:${port}`)),
        },
        stdio: ['pipe', 'pipe', 'inherit'],
      },
    );
    try {
      await new Promise<void>((resolve, reject) => {
        child.stdout!.on('data', (chunk: Buffer) => chunk.toString().includes('ready') && resolve());
        child.once('exit', (code) => reject(new Error(`child exited with ${code}`)));
      });
      const metrics = createMetrics({ defaultMetrics: false });
      server = await serveMetrics({
        registry: metrics.registry,
        port: 0,
        host: '127.0.0.1',
        temporalMetricsUrl: `http://127.0.0.1:${port}/metrics`,
      });
      const text = await (await fetch(`${server.url}/metrics`)).text();
      expect(text).toContain('# TYPE healer_incidents_total counter');
      // the connection's first RPC, as measured by the Temporal core, in seconds (useSecondsForDurations)
      expect(text).toMatch(/temporal_request_latency_seconds_bucket\{operation="GetSystemInfo"/);
    } finally {
      child.stdin!.end();
      await new Promise((resolve) => (child.exitCode !== null ? resolve(null) : child.once('exit', resolve)));
    }
  });
});
