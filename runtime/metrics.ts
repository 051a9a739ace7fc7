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
  /** Runs `flush` before every read of the metrics (hot paths count locally and flush here). */
  onCollect(flush: () => void): void;
  /** Log lines read and matched, by source (loki, kubernetes-logs, file, http, …): scanner and API pushes. */
  linesScanned: Counter<'source'>;
  /** Detections delivered to their session, by catalog code and source (repeats folded into one count each). */
  detections: Counter<'code' | 'source'>;
  /**
   * Detections their session recorded, counted by the worker once per batch id: the truth for "how many
   * failures", where `detections` (the sender's count) counts again a batch re-sent after a crash.
   */
  detectionsRecorded: Counter<'code' | 'source'>;
  /** Signals sent to workflows, by signal name (detections, agentStarted, toolInventory, end, heartbeat). */
  signalsSent: Counter<'signal'>;
  /** Detections per `detections` signal. */
  detectionBatchSize: Histogram;
  /** How far behind its source the scanner reads: receipt time minus the line's own timestamp. */
  sourceLagSeconds: Gauge<'source'>;
  /** Sessions started (first run only, not continue-as-new) and ended, by kind (play, platform). */
  sessionsStarted: Counter<'kind'>;
  sessionsEnded: Counter<'kind' | 'status'>;
  /** Incidents by outcome (opened, resolved, escalated, rejected, failed, linked) and detection code. */
  incidents: Counter<'outcome' | 'code'>;
  /** Duration of each activity (a step of the healing chain, a model call, a playbook action). */
  chainStepDuration: Histogram<'step' | 'task_queue' | 'outcome'>;
  /** Model call attempts by provider, model, outcome (ok, error, skipped) and reason (error class or skip reason). */
  modelCalls: Counter<'provider' | 'model' | 'outcome' | 'reason'>;
  modelTokens: Counter<'provider' | 'model' | 'direction'>;
  modelSpendUsd: Counter<'provider' | 'model'>;
  /** Model spend of the current UTC budget day in US dollars and the day's budget (read from the ledger). */
  modelBudgetSpentUsd: Gauge;
  modelBudgetUsd: Gauge;
  /** Heartbeats the watchdog received, by the component that sent them (`sender`: `component` names the process). */
  watchdogHeartbeats: Counter<'sender'>;
  /** Restarts the watchdog asked for, by `target` component and outcome (restarted, already-applied, skipped, failed). */
  watchdogRestarts: Counter<'target' | 'outcome'>;
  /** Recovery playbook runs by playbook and outcome: succeeded, failed, slo_exceeded. */
  playbookRuns: Counter<'playbook' | 'outcome'>;
  /** Escalations to humans the watchdog sent, by outcome (sent, failed). */
  watchdogEscalations: Counter<'outcome'>;
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

/** Seconds: from a 5 ms activity to a 30-minute CI wait. */
const STEP_BUCKETS = [0.005, 0.025, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 1800];

export function createMetrics(opts: MetricsOptions = {}): HealerMetrics {
  const registry = opts.registry ?? new Registry();
  if (opts.component) registry.setDefaultLabels({ component: opts.component });
  if (opts.defaultMetrics ?? true) collectDefaultMetrics({ register: registry });
  const registers = [registry];
  const counter = <L extends string>(name: string, help: string, labelNames: readonly L[]) =>
    new Counter<L>({ name, help, labelNames, registers });
  const flushers: Array<() => void> = [];
  return {
    registry,
    onCollect: (flush) => flushers.push(flush),
    // Its collect runs the flushers: prom-client calls it on every read of the registry.
    linesScanned: new Counter({
      name: 'healer_lines_scanned_total',
      help: 'Log lines scanned for failures, by source.',
      labelNames: ['source'],
      registers,
      collect: () => flushers.forEach((flush) => flush()),
    }),
    detections: counter(
      'healer_detections_total',
      'Detections delivered to their session, by catalog code and source.',
      ['code', 'source'],
    ),
    detectionsRecorded: counter(
      'healer_detections_recorded_total',
      'Detections sessions recorded, by catalog code and source: a batch re-sent after a crash counts once.',
      ['code', 'source'],
    ),
    signalsSent: counter('healer_signals_sent_total', 'Signals sent to Healer workflows, by signal name.', ['signal']),
    detectionBatchSize: new Histogram({
      name: 'healer_detection_batch_size',
      help: 'Detections per detections signal.',
      buckets: [1, 2, 5, 10, 25, 50, 100, 250, 1000],
      registers,
    }),
    sourceLagSeconds: new Gauge({
      name: 'healer_scanner_source_lag_seconds',
      help: 'Scanner lag behind its source: receipt time minus the newest line timestamp, by source.',
      labelNames: ['source'],
      registers,
    }),
    sessionsStarted: counter('healer_sessions_started_total', 'Sessions started, by kind (play, platform).', ['kind']),
    sessionsEnded: counter('healer_sessions_ended_total', 'Sessions ended, by kind and status.', ['kind', 'status']),
    incidents: counter(
      'healer_incidents_total',
      'Incidents by outcome (opened, resolved, escalated, rejected, failed, linked) and detection code.',
      ['outcome', 'code'],
    ),
    chainStepDuration: new Histogram({
      name: 'healer_chain_step_duration_seconds',
      help: 'Activity duration (healing chain steps, model calls, playbook actions) by activity, task queue and outcome.',
      labelNames: ['step', 'task_queue', 'outcome'],
      buckets: STEP_BUCKETS,
      registers,
    }),
    modelCalls: counter(
      'healer_model_calls_total',
      'Model call attempts by provider, model, outcome (ok, error, skipped: not called) and reason; failure rate = error / (ok + error).',
      ['provider', 'model', 'outcome', 'reason'],
    ),
    modelTokens: counter(
      'healer_model_tokens_total',
      'Model tokens by provider, model and direction (input, output).',
      ['provider', 'model', 'direction'],
    ),
    modelSpendUsd: counter('healer_model_spend_usd_total', 'Model spend in US dollars by provider and model.', [
      'provider',
      'model',
    ]),
    modelBudgetSpentUsd: new Gauge({
      name: 'healer_model_budget_spent_usd',
      help: 'Model spend in the current UTC budget day, in US dollars (from the shared ledger).',
      registers,
    }),
    modelBudgetUsd: new Gauge({
      name: 'healer_model_budget_usd',
      help: 'The daily model budget in US dollars (HEALER_DAILY_BUDGET_USD).',
      registers,
    }),
    watchdogHeartbeats: counter(
      'healer_watchdog_heartbeats_total',
      'Heartbeats the watchdog received, by sending component.',
      ['sender'],
    ),
    watchdogRestarts: counter(
      'healer_watchdog_restarts_total',
      'Component restarts by target component and outcome (restarted, already-applied, skipped, failed).',
      ['target', 'outcome'],
    ),
    playbookRuns: counter('healer_playbook_runs_total', 'Recovery playbook runs by playbook and outcome.', [
      'playbook',
      'outcome',
    ]),
    watchdogEscalations: counter(
      'healer_watchdog_escalations_total',
      'Escalations to humans by outcome (sent, failed).',
      ['outcome'],
    ),
    httpRequests: counter('healer_http_requests_total', 'HTTP requests by route template, method and status code.', [
      'route',
      'method',
      'status',
    ]),
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
let processComponent: string | undefined;

/**
 * The process-wide metrics. The first caller that names a component labels every series with it (the
 * label is applied when metrics are read, so values counted before are labelled too); activities, the
 * scanner and the workers' interceptors call this without arguments and share the same registry.
 */
export function healerMetrics(component?: string): HealerMetrics {
  processMetrics ??= createMetrics();
  if (component && !processComponent) {
    processComponent = component;
    processMetrics.registry.setDefaultLabels({ component });
  }
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
