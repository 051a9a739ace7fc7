// Metrics and health for component processes (workers, scanner, watchdog): Healer's own series plus the
// Temporal SDK runtime's, on HEALER_METRICS_PORT (/metrics and /health, the Kubernetes probe port).
import { Runtime } from '@temporalio/worker';
import type { HealerConfig } from '../runtime/config';
import { healerMetrics, serveMetrics, temporalPrometheusTelemetry } from '../runtime/metrics';

/** Must run before the process opens its first worker connection (the runtime is installed once). */
export function installTemporalMetrics(config: HealerConfig): void {
  if (config.metrics.temporalPort === undefined) return;
  Runtime.install({ telemetryOptions: temporalPrometheusTelemetry(`127.0.0.1:${config.metrics.temporalPort}`) });
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
