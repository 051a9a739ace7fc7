// Healer's Prometheus metrics: one Registry per process with Healer's own metrics and the default
// process metrics, a Fastify hook for HTTP metrics, and a small /metrics server for worker processes
// that also relays the Temporal runtime's own metrics (so Prometheus scrapes one port per pod).
//
// Temporal runtime metrics (worker task slots, poll latencies, sticky cache, activity/workflow
// execution latencies…) are produced by the SDK's Rust core, not by prom-client. The SDK's way to
// export them is Runtime.install({ telemetryOptions: temporalPrometheusTelemetry(bindAddress) }),
// which serves them on `bindAddress` (we use 127.0.0.1:HEALER_TEMPORAL_METRICS_PORT, default 9465).
// serveMetrics({ temporalMetricsUrl }) appends that text to its own /metrics.
import { createServer, type Server } from 'node:http';
import type { FastifyInstance } from 'fastify';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { TelemetryOptions } from '@temporalio/worker';

export const DEFAULT_METRICS_PORT = 9464;
export const DEFAULT_TEMPORAL_METRICS_PORT = 9465;

export interface HealerMetrics {
  registry: Registry;
  /** Log lines read by the scanner, by source (loki, kubernetes-logs, file, http, …). */
  linesScanned: Counter<'source'>;
  /** Detections matched, by catalog code. */
  detections: Counter<'code'>;
  /** Signals sent to workflows, by signal name (detections, agentStarted, toolInventory, end, heartbeat). */
  signalsSent: Counter<'signal'>;
  /** Incidents by how they ended: opened, resolved, escalated, rejected, failed. */
  incidents: Counter<'outcome'>;
  /** Model calls by model and outcome: ok, error, rate_limited, timeout, invalid_output, budget_exceeded. */
  modelCalls: Counter<'model' | 'outcome'>;
  /** Model spend of the current budget day in US dollars (resets with the budget window). */
  modelBudgetSpentUsd: Gauge;
  /** Recovery playbook runs by playbook and outcome: succeeded, failed, escalated. */
  playbookRuns: Counter<'playbook' | 'outcome'>;
  /** HTTP requests by route template (never the raw path, to bound cardinality), method and status. */
  httpRequests: Counter<'route' | 'method' | 'status'>;
  httpRequestDuration: Histogram<'route' | 'method'>;
}

export interface MetricsOptions {
  /** Registry to fill (default: a new one). */
  registry?: Registry;
  /** Added as a `component` label on every series (api, worker, llm-worker, scanner, watchdog). */
  component?: string;
  /** Process metrics (CPU, memory, event-loop lag, GC, handles), default true. */
  defaultMetrics?: boolean;
}

export function createMetrics(opts: MetricsOptions = {}): HealerMetrics {
  const registry = opts.registry ?? new Registry();
  if (opts.component) registry.setDefaultLabels({ component: opts.component });
  if (opts.defaultMetrics ?? true) collectDefaultMetrics({ register: registry });
  const registers = [registry];
  return {
    registry,
    linesScanned: new Counter({
      name: 'healer_lines_scanned_total',
      help: 'Log lines scanned for failures, by source.',
      labelNames: ['source'],
      registers,
    }),
    detections: new Counter({
      name: 'healer_detections_total',
      help: 'Detections matched, by catalog code.',
      labelNames: ['code'],
      registers,
    }),
    signalsSent: new Counter({
      name: 'healer_signals_sent_total',
      help: 'Signals sent to Healer workflows, by signal name.',
      labelNames: ['signal'],
      registers,
    }),
    incidents: new Counter({
      name: 'healer_incidents_total',
      help: 'Incidents by outcome (opened, resolved, escalated, rejected, failed).',
      labelNames: ['outcome'],
      registers,
    }),
    modelCalls: new Counter({
      name: 'healer_model_calls_total',
      help: 'Model calls by model and outcome; failures are every outcome other than ok.',
      labelNames: ['model', 'outcome'],
      registers,
    }),
    modelBudgetSpentUsd: new Gauge({
      name: 'healer_model_budget_spent_usd',
      help: 'Model spend in the current budget day, in US dollars.',
      registers,
    }),
    playbookRuns: new Counter({
      name: 'healer_playbook_runs_total',
      help: 'Recovery playbook runs by playbook and outcome.',
      labelNames: ['playbook', 'outcome'],
      registers,
    }),
    httpRequests: new Counter({
      name: 'healer_http_requests_total',
      help: 'HTTP requests by route template, method and status code.',
      labelNames: ['route', 'method', 'status'],
      registers,
    }),
    httpRequestDuration: new Histogram({
      name: 'healer_http_request_duration_seconds',
      help: 'HTTP request duration by route template and method.',
      labelNames: ['route', 'method'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers,
    }),
  };
}

let processMetrics: HealerMetrics | undefined;

/**
 * The process-wide metrics. The first caller names the component; activities and the scanner call
 * this without arguments and share the same registry.
 */
export function healerMetrics(component?: string): HealerMetrics {
  processMetrics ??= createMetrics({ component });
  return processMetrics;
}

/**
 * Counts every request the app answers, including hijacked ones (MCP over HTTP writes its own
 * response), by listening on the raw response. Register before the routes (hooks apply to routes
 * added after them).
 */
export function instrumentFastify(app: FastifyInstance, metrics: HealerMetrics): void {
  app.addHook('onRequest', async (request, reply) => {
    const started = process.hrtime.bigint();
    reply.raw.once('finish', () => {
      const route = request.routeOptions.url ?? 'unmatched';
      const method = request.method;
      metrics.httpRequests.inc({ route, method, status: String(reply.raw.statusCode) });
      metrics.httpRequestDuration.observe({ route, method }, Number(process.hrtime.bigint() - started) / 1e9);
    });
  });
}

/** telemetryOptions for Runtime.install: the Temporal core serves its Prometheus metrics on bindAddress. */
export function temporalPrometheusTelemetry(bindAddress: string): TelemetryOptions {
  return {
    metrics: { prometheus: { bindAddress, countersTotalSuffix: true, unitSuffix: true, useSecondsForDurations: true } },
  };
}

export interface MetricsServerOptions {
  registry: Registry;
  port: number;
  host?: string;
  /** The Temporal runtime's exporter (http://127.0.0.1:9465/metrics); its series are appended. */
  temporalMetricsUrl?: string;
  /** Readiness for /health (default: always ok while the process serves). */
  health?: () => boolean | Promise<boolean>;
}

export interface MetricsServer {
  url: string;
  port: number;
  close(): Promise<void>;
}

async function temporalText(url: string): Promise<string> {
  try {
    const response = await fetch(url, { signal: AbortSignal.timeout(2000) });
    if (!response.ok) return `# temporal runtime metrics unavailable: HTTP ${response.status} from ${url}\n`;
    return await response.text();
  } catch (error) {
    return `# temporal runtime metrics unavailable: ${(error as Error).message} (${url})\n`;
  }
}

/** GET /metrics (Prometheus text) and GET /health for a worker process; the probe and scrape port. */
export function serveMetrics(opts: MetricsServerOptions): Promise<MetricsServer> {
  const server: Server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    const reply = (status: number, type: string, body: string) => {
      res.writeHead(status, { 'content-type': type });
      res.end(body);
    };
    if (req.method !== 'GET') return reply(405, 'text/plain', 'method not allowed\n');
    if (path === '/metrics') {
      Promise.all([
        opts.registry.metrics(),
        opts.temporalMetricsUrl ? temporalText(opts.temporalMetricsUrl) : Promise.resolve(''),
      ]).then(
        ([own, temporal]) => reply(200, opts.registry.contentType, temporal ? `${own}\n${temporal}` : own),
        (error: Error) => reply(500, 'text/plain', `metrics failed: ${error.message}\n`),
      );
      return;
    }
    if (path === '/health' || path === '/healthz') {
      Promise.resolve(opts.health ? opts.health() : true).then(
        (ok) => reply(ok ? 200 : 503, 'application/json', JSON.stringify({ status: ok ? 'ok' : 'unhealthy' })),
        (error: Error) => reply(503, 'application/json', JSON.stringify({ status: 'unhealthy', error: error.message })),
      );
      return;
    }
    reply(404, 'text/plain', 'not found: try /metrics or /health\n');
  });
  const host = opts.host ?? '0.0.0.0';
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port, host, () => {
      const { port } = server.address() as { port: number };
      resolve({
        url: `http://${host === '0.0.0.0' ? '127.0.0.1' : host}:${port}`,
        port,
        close: () => new Promise((done) => server.close(() => done())),
      });
    });
  });
}
