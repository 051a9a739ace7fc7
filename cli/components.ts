// `healer worker|llm-worker|api|watchdog|scanner|mcp`: one Healer component in this process, until
// SIGINT/SIGTERM. Each loads only its own modules (a restarted API does not load the worker's native
// core, and the reverse), hence the require() inside each runner.
/* eslint-disable @typescript-eslint/no-require-imports */
import type { HealerConfig } from '../runtime/config';
import type { CliIo } from './io';

export type ComponentName = 'worker' | 'llm-worker' | 'api' | 'watchdog' | 'scanner' | 'mcp';

type Runner = (config: HealerConfig, io: CliIo) => Promise<void>;

const observability = () => require('../workers/observability') as typeof import('../workers/observability');
/**
 * Tracing (on when OTEL_EXPORTER_OTLP_ENDPOINT is set; before any Temporal client exists, whose
 * interceptors depend on it) and the component's logger: JSON or pretty lines on stderr with `component`.
 */
const logging = (config: HealerConfig, component: ComponentName) => {
  const { startTracing } = require('../runtime/tracing') as typeof import('../runtime/tracing');
  startTracing({ service: `healer-${component}`, otlpEndpoint: config.tracing.otlpEndpoint });
  return (require('../runtime/logger') as typeof import('../runtime/logger')).componentLogger(config, component);
};
const heartbeats = () => require('../workers/heartbeat') as typeof import('../workers/heartbeat');

const runWorker: Runner = async (config) => {
  const { startMainWorker } = require('../workers/main') as typeof import('../workers/main');
  const { installTemporalRuntime, serveComponentMetrics } = observability();
  const logger = logging(config, 'worker');
  installTemporalRuntime(config, logger);
  const running = await startMainWorker(config);
  const metrics = await serveComponentMetrics(config, 'worker', () => running.worker.getState() === 'RUNNING');
  const heartbeat = await heartbeats().startComponentHeartbeat(config, 'worker');
  logger.info(`worker polling "healer" on ${config.temporal.address}`);
  await running.done;
  await heartbeat.stop();
  await metrics.close();
};

const runLlmWorker: Runner = async (config) => {
  const { startLlmWorker } = require('../workers/llm') as typeof import('../workers/llm');
  const { installTemporalRuntime, serveComponentMetrics } = observability();
  const logger = logging(config, 'llm-worker');
  installTemporalRuntime(config, logger);
  const running = await startLlmWorker(config, {}, (message) => logger.warn(message));
  const metrics = await serveComponentMetrics(config, 'llm-worker', () => running.worker.getState() === 'RUNNING');
  const heartbeat = await heartbeats().startComponentHeartbeat(config, 'llm-worker');
  const providers = Object.keys(config.modelGateway.providers);
  logger.info(
    `model gateway worker polling "healer-llm" on ${config.temporal.address}: ${
      providers.length > 0
        ? `providers ${providers.join(', ')}`
        : 'no model key (GEMINI_API_KEY, ANTHROPIC_API_KEY, XAI_API_KEY, OPENAI_COMPATIBLE_BASE_URL): the rule-based evaluator serves'
    }`,
  );
  await running.done;
  await heartbeat.stop();
  await metrics.close();
};

const runApi: Runner = async (config) => {
  const { startApi } = require('../api/server') as typeof import('../api/server');
  const { untilSignal } = require('./signals') as typeof import('./signals');
  const logger = logging(config, 'api');
  const api = await startApi(config, {}, logger);
  logger.info(`API listening on ${api.url}`);
  await untilSignal();
  await api.close();
};

const runWatchdog: Runner = async (config) => {
  const { runWatchdogWorker, watchdogOptionsFromConfig } =
    require('../workers/watchdog') as typeof import('../workers/watchdog');
  const { installTemporalRuntime, serveComponentMetrics } = observability();
  const logger = logging(config, 'watchdog');
  installTemporalRuntime(config, logger);
  const running = await runWatchdogWorker(watchdogOptionsFromConfig(config));
  const metrics = await serveComponentMetrics(config, 'watchdog', () => true);
  logger.info(`watchdog for namespace ${config.namespace} polling "healer-watchdog" on ${config.temporal.address}`);
  await running.done;
  await metrics.close();
};

const runScannerComponent: Runner = async (config) => {
  const { runScannerFromConfig } = require('../scanner/scanner') as typeof import('../scanner/scanner');
  const logger = logging(config, 'scanner');
  const heartbeat = await heartbeats().startComponentHeartbeat(config, 'scanner');
  const metrics = await observability().serveComponentMetrics(config, 'scanner', () => true);
  try {
    const stats = await runScannerFromConfig(config, undefined, (message) => logger.info(message));
    logger.info(
      stats,
      `scanner stopped: ${stats.lines} lines, ${stats.detections} detections, ${stats.batches} batches`,
    );
  } finally {
    await heartbeat.stop();
    await metrics.close();
  }
};

const runMcp: Runner = async (config) => {
  const { serveMcpStdio } = require('../api/mcp/stdio') as typeof import('../api/mcp/stdio');
  await serveMcpStdio(config);
};

const RUNNERS: Record<ComponentName, Runner> = {
  worker: runWorker,
  'llm-worker': runLlmWorker,
  api: runApi,
  watchdog: runWatchdog,
  scanner: runScannerComponent,
  mcp: runMcp,
};

/** Runs the component until it stops; exit code 0 (a failure to start throws: exit 1 with the error). */
export async function runComponent(name: ComponentName, config: HealerConfig, io: CliIo): Promise<number> {
  await RUNNERS[name](config, io);
  // Spans still batched leave before the process ends (nothing to do with tracing off).
  await (require('../runtime/tracing') as typeof import('../runtime/tracing')).activeTracing().shutdown();
  return 0;
}
