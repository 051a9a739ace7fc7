// The long-running scanner: sources → pipeline (match, attribute) → batcher → `detections` signals.
// State (cursors, sent batches, raised alerts) lives under `stateDir`, so a restart neither loses nor
// repeats detections.
import { Client, Connection } from '@temporalio/client';
import { kubeConfigFrom } from '../activities/kubernetes';
import type { HealerConfig } from '../runtime/config';
import { tracingClientInterceptors } from '../runtime/tracing';
import { DEFAULT_ATTRIBUTION, type AttributionConfig, type Target } from './attribution';
import { toolInventorySignal, type ToolInventorySignal } from '../core/contract';
import { Batcher, BatcherClosedError, type DeliverFn } from './batcher';
import { createTemporalDelivery } from './deliver';
import { Pipeline, recordBatch } from './pipeline';
import { StateStore } from './state';
import { fileSource, stdinSource } from './sources/file';
import { kubernetesLogsSource } from './sources/kubernetes-logs';
import { kubernetesStateSource } from './sources/kubernetes-state';
import { lokiSource } from './sources/loki';
import { sleep } from './sources/queue';
import type { Source } from './types';

export interface ScannerConfig {
  stateDir: string;
  /** Kubernetes namespace of unattributed detections (`platform-<namespace>`). */
  namespace: string;
  /** Sources to run; build them from the configuration with `sourcesFromConfig`. */
  sources: Source[] | ((state: StateStore) => Source[]);
  /** How batches reach Temporal: a delivery function, or a Client (signals / signal-with-start). */
  deliver?: DeliverFn;
  client?: Client;
  taskQueue?: string;
  attribution?: AttributionConfig;
  flushMs?: number;
  maxItems?: number;
  maxBuffered?: number;
  /** On shutdown, how long open batches may take to deliver (default 5 s). */
  drainTimeoutMs?: number;
  log?: (message: string) => void;
}

export interface ScannerStats {
  lines: number;
  detections: number;
  alerts: number;
  batches: number;
}

/** Runs until `signal` aborts; resolves after a best-effort drain and a final cursor save. */
export async function runScanner(config: ScannerConfig, signal: AbortSignal): Promise<ScannerStats> {
  const log = config.log ?? ((m: string) => process.stderr.write(`scanner: ${m}\n`));
  const state = new StateStore(config.stateDir);
  let deliver = config.deliver;
  if (!deliver) {
    if (!config.client) throw new Error('runScanner needs `deliver` or a Temporal `client`');
    deliver = createTemporalDelivery(config.client, { taskQueue: config.taskQueue, log });
  }
  const batcher = new Batcher({
    deliver,
    flushMs: config.flushMs,
    maxItems: config.maxItems,
    maxBuffered: config.maxBuffered,
    beforeSend: recordBatch(state),
    log,
  });
  const client = config.client;
  const onToolInventory = client
    ? (target: Target, inventory: ToolInventorySignal): void => {
        client.workflow
          .getHandle(target.workflowId)
          .signal(toolInventorySignal, inventory)
          .catch((error: unknown) =>
            log(`toolInventory for ${inventory.agent} to ${target.workflowId} failed: ${(error as Error).message}`),
          );
      }
    : undefined;
  const pipeline = new Pipeline({
    batcher,
    state,
    attribution: config.attribution ?? { ...DEFAULT_ATTRIBUTION, defaultNamespace: config.namespace },
    onToolInventory,
  });
  const sources = typeof config.sources === 'function' ? config.sources(state) : config.sources;

  const runSource = async (source: Source): Promise<void> => {
    let backoff = 500;
    while (!signal.aborted) {
      try {
        const ctx = {
          signal,
          cursor: (stream: string) => state.cursor(stream),
          log: (m: string) => log(`${source.name}: ${m}`),
        };
        for await (const record of source.records(ctx)) {
          if (signal.aborted) break;
          await pipeline.handle(record);
        }
        if (signal.aborted) return;
        if (source.name === 'file:-') return; // stdin ended
        backoff = 500;
      } catch (error) {
        if (signal.aborted || error instanceof BatcherClosedError) return;
        log(`${source.name} failed: ${(error as Error).message}; restarting in ${backoff} ms`);
        backoff = Math.min(backoff * 2, 30_000);
      }
      await sleep(backoff, signal);
    }
  };

  log(`scanning ${sources.map((s) => s.name).join(', ') || 'nothing (no source configured)'}`);
  await Promise.all(sources.map(runSource));
  // With nothing to scan (e.g. `healer dev` without a log source) stay up until asked to stop.
  if (!sources.length && !signal.aborted) await idleUntilAborted(signal);
  // Deliver what is open (bounded), then stop; anything undelivered stays behind the cursor.
  await Promise.race([batcher.drain(), new Promise((r) => setTimeout(r, config.drainTimeoutMs ?? 5000).unref())]);
  await batcher.close();
  pipeline.saveNow();
  return { ...pipeline.stats, batches: batcher.sentBatches };
}

/**
 * The configured sources: Loki when LOKI_URL is set; Kubernetes pod logs (unless Loki collects them or
 * HEALER_SCANNER_POD_LOGS=false) and Pods/CodeRuns state with a kubeconfig or in a cluster; a followed
 * file or stdin (HEALER_LOG_FILE) with its labels.
 */
export function sourcesFromConfig(
  config: Pick<HealerConfig, 'loki' | 'kubernetes' | 'scanner'>,
  state: StateStore,
  stdin: NodeJS.ReadableStream = process.stdin,
): Source[] {
  const { loki, scanner } = config;
  const sources: Source[] = [];
  if (loki.url) {
    sources.push(
      lokiSource({
        url: loki.url,
        query: loki.query,
        headers: loki.orgId ? { 'X-Scope-OrgID': loki.orgId } : undefined,
      }),
    );
  }
  const kubeConfig = kubeConfigFrom(config.kubernetes);
  if (kubeConfig) {
    const { namespace, labelSelector } = scanner;
    if (scanner.podLogs && !loki.url) sources.push(kubernetesLogsSource({ kubeConfig, namespace, labelSelector }));
    sources.push(
      kubernetesStateSource({ kubeConfig, namespace, labelSelector, coderunVersion: scanner.coderunVersion, state }),
    );
  }
  if (scanner.logFile) {
    const labels = scanner.logLabels;
    sources.push(scanner.logFile === '-' ? stdinSource(stdin, labels) : fileSource({ path: scanner.logFile, labels }));
  }
  return sources;
}

/** `healer scanner`: connect to Temporal as configured and scan until SIGINT/SIGTERM (or `signal`). */
export async function runScannerFromConfig(
  config: HealerConfig,
  signal?: AbortSignal,
  log?: (message: string) => void,
): Promise<ScannerStats> {
  const controller = new AbortController();
  const stop = (): void => controller.abort();
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  signal?.addEventListener('abort', stop, { once: true });
  const connection = await Connection.connect({ address: config.temporal.address });
  try {
    const { namespace } = config.scanner;
    return await runScanner(
      {
        stateDir: config.scanner.stateDir,
        namespace,
        client: new Client({
          connection,
          namespace: config.temporal.namespace,
          interceptors: { workflow: tracingClientInterceptors() },
        }),
        attribution: { ...config.scanner.labels, defaultNamespace: namespace },
        sources: (state) => sourcesFromConfig(config, state),
        ...(log ? { log } : {}),
      },
      controller.signal,
    );
  } finally {
    process.off('SIGINT', stop);
    process.off('SIGTERM', stop);
    await connection.close();
  }
}

/** Keeps the process alive (a pending promise alone does not) until the signal aborts. */
function idleUntilAborted(signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const keepAlive = setInterval(() => undefined, 60_000);
    signal.addEventListener(
      'abort',
      () => {
        clearInterval(keepAlive);
        resolve();
      },
      { once: true },
    );
  });
}
