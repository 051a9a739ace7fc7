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
import { countModelCall } from '../../activities/model/call-metrics';
import type { CallLogEntry } from '../../activities/model/call-log';
import type { Detection } from '../../core/contract';
import type { Target } from '../../scanner/attribution';
import { countDeliveries, ScanMeter } from '../../scanner/scan-metrics';

const OWN = [
  ['healer_lines_scanned_total', 'counter'],
  ['healer_detections_total', 'counter'],
  ['healer_signals_sent_total', 'counter'],
  ['healer_detection_batch_size', 'histogram'],
  ['healer_scanner_source_lag_seconds', 'gauge'],
  ['healer_sessions_started_total', 'counter'],
  ['healer_sessions_ended_total', 'counter'],
  ['healer_incidents_total', 'counter'],
  ['healer_chain_step_duration_seconds', 'histogram'],
  ['healer_model_calls_total', 'counter'],
  ['healer_model_tokens_total', 'counter'],
  ['healer_model_spend_usd_total', 'counter'],
  ['healer_model_budget_spent_usd', 'gauge'],
  ['healer_model_budget_usd', 'gauge'],
  ['healer_watchdog_heartbeats_total', 'counter'],
  ['healer_watchdog_restarts_total', 'counter'],
  ['healer_playbook_runs_total', 'counter'],
  ['healer_watchdog_escalations_total', 'counter'],
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
    metrics.detections.inc({ code: 'R2', source: 'loki' });
    metrics.detections.inc({ code: 'R2', source: 'loki' });
    metrics.modelCalls.inc({ provider: 'gemini', model: 'gemini-2.5-flash', outcome: 'error', reason: 'rate-limited' });
    metrics.modelBudgetSpentUsd.set(0.42);
    metrics.playbookRuns.inc({ playbook: 'healer_mutual_restart', outcome: 'succeeded' });
    const text = await metrics.registry.metrics();
    expect(sample(text, 'healer_lines_scanned_total', { source: 'loki', component: 'scanner' })).toBe(120);
    expect(sample(text, 'healer_detections_total', { code: 'R2', source: 'loki' })).toBe(2);
    expect(
      sample(text, 'healer_model_calls_total', { model: 'gemini-2.5-flash', outcome: 'error', reason: 'rate-limited' }),
    ).toBe(1);
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

describe('where the counting happens', () => {
  test('the scanner meter: lines per source (flushed when read), lag sampled every 1,024 lines', async () => {
    const metrics = createMetrics({ defaultMetrics: false });
    const now = Date.parse('2026-11-22T04:01:30Z');
    const meter = new ScanMeter(metrics, () => now);
    for (let i = 0; i < 1023; i++) meter.line('loki', '2026-11-22T04:00:00Z');
    meter.line('file', 'not a timestamp');
    ScanMeter.pushed(11, metrics);
    let text = await metrics.registry.metrics();
    expect(sample(text, 'healer_lines_scanned_total', { source: 'loki' })).toBe(1023);
    expect(sample(text, 'healer_lines_scanned_total', { source: 'file' })).toBe(1);
    expect(sample(text, 'healer_lines_scanned_total', { source: 'http' })).toBe(11);
    expect(sample(text, 'healer_scanner_source_lag_seconds', { source: 'loki' })).toBeUndefined();
    for (let i = 0; i < 1024; i++) meter.line('loki', '2026-11-22T04:00:00Z'); // 90 s behind
    text = await metrics.registry.metrics();
    expect(sample(text, 'healer_lines_scanned_total', { source: 'loki' })).toBe(2047);
    expect(sample(text, 'healer_scanner_source_lag_seconds', { source: 'loki' })).toBe(90);
    expect(sample(text, 'healer_scanner_source_lag_seconds', { source: 'file' })).toBeUndefined();
  });

  test('a delivered batch counts its signal, size and detections (repeats included); a failed one nothing', async () => {
    const metrics = createMetrics({ defaultMetrics: false });
    const d = (code: string, repeats?: number) =>
      ({ code, source: 'loki', fingerprint: code, ...(repeats ? { repeats } : {}) }) as unknown as Detection;
    const target = { kind: 'session', workflowId: 'play-p1', namespace: 'cto' } as unknown as Target;
    const delivered = countDeliveries(
      async () => undefined,
      () => metrics,
    );
    await delivered(target, { batchId: 'b1', detections: [d('R2', 5), d('R1')] });
    const failing = countDeliveries(
      async () => Promise.reject(new Error('unavailable')),
      () => metrics,
    );
    await expect(failing(target, { batchId: 'b2', detections: [d('R2')] })).rejects.toThrow('unavailable');
    const text = await metrics.registry.metrics();
    expect(sample(text, 'healer_detections_total', { code: 'R2', source: 'loki' })).toBe(5);
    expect(sample(text, 'healer_detections_total', { code: 'R1', source: 'loki' })).toBe(1);
    expect(sample(text, 'healer_signals_sent_total', { signal: 'detections' })).toBe(1);
    expect(text).toMatch(/healer_detection_batch_size_count \d/);
    expect(text).toContain('healer_detection_batch_size_sum 2');
  });

  test('a model attempt counts by provider, model, outcome and reason, with tokens and spend', async () => {
    const metrics = createMetrics({ defaultMetrics: false });
    const entry = (fields: Partial<CallLogEntry>): CallLogEntry => ({
      time: '2026-11-22T04:00:00Z',
      provider: 'anthropic',
      model: 'claude-haiku-4-5',
      attempt: 1,
      activityAttempt: 1,
      purpose: 'evaluate',
      correlationId: 'inc-1',
      latencyMs: 800,
      inputTokens: 0,
      outputTokens: 0,
      costUsd: 0,
      outcome: 'ok',
      next: 'done',
      ...fields,
    });
    countModelCall(entry({ inputTokens: 1200, outputTokens: 300, costUsd: 0.0027 }), metrics);
    countModelCall(entry({ outcome: 'error', errorClass: 'rate-limited', next: 'retry' }), metrics);
    countModelCall(entry({ outcome: 'skipped', errorClass: 'breaker-open', next: 'next-model' }), metrics);
    const text = await metrics.registry.metrics();
    const labels = { provider: 'anthropic', model: 'claude-haiku-4-5' };
    expect(sample(text, 'healer_model_calls_total', { ...labels, outcome: 'ok', reason: '' })).toBe(1);
    expect(sample(text, 'healer_model_calls_total', { ...labels, outcome: 'error', reason: 'rate-limited' })).toBe(1);
    expect(sample(text, 'healer_model_calls_total', { ...labels, outcome: 'skipped', reason: 'breaker-open' })).toBe(1);
    expect(sample(text, 'healer_model_tokens_total', { ...labels, direction: 'input' })).toBe(1200);
    expect(sample(text, 'healer_model_tokens_total', { ...labels, direction: 'output' })).toBe(300);
    expect(sample(text, 'healer_model_spend_usd_total', labels)).toBeCloseTo(0.0027);
  });
});
