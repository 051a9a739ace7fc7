// Observability of component processes (workers, scanner, watchdog): metrics and health (Healer's own
// series plus the Temporal SDK runtime's, on HEALER_METRICS_PORT: /metrics and /health, the Kubernetes
// probe port), the Temporal runtime's logs through the component logger, and the workers' interceptors
// and sinks for metrics and (when on) tracing.
import { Runtime, type ActivityInterceptorsFactory, type WorkerOptions } from '@temporalio/worker';
import {
  makeWorkflowExporter,
  OpenTelemetryActivityInboundInterceptor,
  OpenTelemetryActivityOutboundInterceptor,
} from '@temporalio/interceptors-opentelemetry/lib/worker';
import type { HealerConfig } from '../runtime/config';
import { TemporalLogger, type Logger } from '../runtime/logger';
import { healerMetrics, serveMetrics, temporalPrometheusTelemetry, type HealerMetrics } from '../runtime/metrics';
import { TRACED_WORKFLOW_INTERCEPTOR_MODULES, WORKFLOW_INTERCEPTOR_MODULES } from '../runtime/workflow-bundle';
import { activeTracing, type Tracing } from '../runtime/tracing';
import { activityMetrics, workflowMetricSinks } from './worker-metrics';

/**
 * A worker's options with Healer's observability added: activity timing, the workflow interceptors
 * (in the pre-built bundle, or added here when the worker bundles from workflowsPath) and their sinks.
 */
export function observeWorker<T extends WorkerOptions>(
  options: T,
  metrics: HealerMetrics = healerMetrics(),
  tracing: Tracing = activeTracing(),
): T {
  const interceptors = options.interceptors ?? {};
  const modules = tracing.enabled ? TRACED_WORKFLOW_INTERCEPTOR_MODULES : WORKFLOW_INTERCEPTOR_MODULES;
  return {
    ...options,
    interceptors: {
      ...interceptors,
      activity: [
        ...(interceptors.activity ?? []),
        activityMetrics(metrics),
        ...(tracing.enabled ? [activityTracing] : []),
      ],
      ...(options.workflowsPath && !options.workflowBundle
        ? { workflowModules: [...(interceptors.workflowModules ?? []), ...modules] }
        : {}),
    },
    sinks: {
      ...options.sinks,
      ...workflowMetricSinks(metrics),
      // Workflow spans leave the sandbox through this sink (the traced bundle's interceptors call it).
      ...(tracing.enabled ? { exporter: makeWorkflowExporter(tracing.spanProcessor!, tracing.resource!) } : {}),
    },
  };
}

/** Each activity runs in a span continuing the workflow's trace (from the activity's headers). */
const activityTracing: ActivityInterceptorsFactory = (ctx) => ({
  inbound: new OpenTelemetryActivityInboundInterceptor(ctx),
  outbound: new OpenTelemetryActivityOutboundInterceptor(ctx),
});

/**
 * The Temporal runtime of this process: its logs (SDK, workflows, activities, and the core's own at WARN
 * and above) through the component's logger, and its Prometheus exporter when a port is configured.
 * Must run before the process opens its first worker connection (the runtime is installed once).
 */
export function installTemporalRuntime(config: HealerConfig, logger: Logger): void {
  const metrics =
    config.metrics.temporalPort !== undefined
      ? temporalPrometheusTelemetry(`127.0.0.1:${config.metrics.temporalPort}`)
      : {};
  Runtime.install({
    logger: new TemporalLogger(logger),
    telemetryOptions: { ...metrics, logging: { forward: {}, filter: { core: 'WARN', other: 'ERROR' } } },
  });
}

/** Serves /metrics and /health when HEALER_METRICS_PORT is set; `healthy` answers the probe. */
export async function serveComponentMetrics(
  config: HealerConfig,
  component: string,
  healthy: () => boolean,
): Promise<{ close(): Promise<void> }> {
  const metrics = healerMetrics(component);
  if (config.metrics.port === undefined) return { close: async () => undefined };
  return serveMetrics({
    registry: metrics.registry,
    port: config.metrics.port,
    host: '0.0.0.0',
    ...(config.metrics.temporalPort !== undefined
      ? { temporalMetricsUrl: `http://127.0.0.1:${config.metrics.temporalPort}/metrics` }
      : {}),
    health: healthy,
  });
}
