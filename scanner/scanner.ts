// The long-running scanner: sources → pipeline (match, attribute) → batcher → `detections` signals.
// State (cursors, sent batches, raised alerts) lives under `stateDir`, so a restart neither loses nor
// repeats detections.
import { Client, Connection } from '@temporalio/client';
import { KubeConfig } from '@kubernetes/client-node';
import { attributionFromEnv, type AttributionConfig, type Target } from './attribution';
import {
  DEFAULT_K8S_NAMESPACE,
  DEFAULT_LOKI_QUERY,
  toolInventorySignal,
  type ToolInventorySignal,
} from '../core/contract';
import { Batcher, BatcherClosedError, type DeliverFn } from './batcher';
import { createTemporalDelivery } from './deliver';
import { Pipeline, recordBatch } from './pipeline';
import { StateStore } from './state';
import { fileSource, stdinSource } from './sources/file';
import { kubernetesLogsSource } from './sources/kubernetes-logs';
import { kubernetesStateSource } from './sources/kubernetes-state';
import { lokiSource } from './sources/loki';
import { sleep } from './sources/queue';
import type { Labels, Source } from './types';

export interface ScannerConfig {
  stateDir: string;
  /** Kubernetes namespace of unattributed detections (`platform-<namespace>`). */
  namespace: string;
  /** Sources to run; build them from the environment with `sourcesFromEnv`. */
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
    attribution: config.attribution ?? attributionFromEnv({}, config.namespace),
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

function parseLabels(text: string | undefined): Labels {
  const labels: Labels = {};
  for (const pair of (text ?? '').split(',')) {
    const eq = pair.indexOf('=');
    if (eq > 0) labels[pair.slice(0, eq).trim()] = pair.slice(eq + 1).trim();
  }
  return labels;
}

/**
 * Sources from the environment: LOKI_URL (+ LOKI_QUERY, default `{namespace="cto"}`, LOKI_ORG_ID),
 * Kubernetes when KUBECONFIG is set or in-cluster (HEALER_SCANNER_NAMESPACE, HEALER_SCANNER_LABEL_SELECTOR,
 * HEALER_CODERUN_VERSION; HEALER_SCANNER_POD_LOGS=false when Loki already collects pod logs),
 * HEALER_LOG_FILE (`-` for stdin) with HEALER_LOG_LABELS (`play-id=42,agent=rex`).
 */
export function sourcesFromEnv(
  env: NodeJS.ProcessEnv,
  state: StateStore,
  stdin: NodeJS.ReadableStream = process.stdin,
): Source[] {
  const sources: Source[] = [];
  const namespace = env.HEALER_SCANNER_NAMESPACE ?? DEFAULT_K8S_NAMESPACE;
  if (env.LOKI_URL) {
    sources.push(
      lokiSource({
        url: env.LOKI_URL,
        query: env.LOKI_QUERY || DEFAULT_LOKI_QUERY,
        headers: env.LOKI_ORG_ID ? { 'X-Scope-OrgID': env.LOKI_ORG_ID } : undefined,
      }),
    );
  }
  if (env.KUBECONFIG || env.KUBERNETES_SERVICE_HOST) {
    const kubeConfig = new KubeConfig();
    kubeConfig.loadFromDefault();
    const labelSelector = env.HEALER_SCANNER_LABEL_SELECTOR || undefined;
    if (env.HEALER_SCANNER_POD_LOGS !== 'false' && !env.LOKI_URL)
      sources.push(kubernetesLogsSource({ kubeConfig, namespace, labelSelector }));
    sources.push(
      kubernetesStateSource({
        kubeConfig,
        namespace,
        labelSelector,
        coderunVersion: env.HEALER_CODERUN_VERSION || 'v1',
        state,
      }),
    );
  }
  if (env.HEALER_LOG_FILE) {
    const labels = parseLabels(env.HEALER_LOG_LABELS);
    sources.push(
      env.HEALER_LOG_FILE === '-' ? stdinSource(stdin, labels) : fileSource({ path: env.HEALER_LOG_FILE, labels }),
    );
  }
  return sources;
}

/** `healer scanner`: connect to Temporal from the environment and scan until SIGINT/SIGTERM. */
export async function runScannerFromEnv(
  env: NodeJS.ProcessEnv = process.env,
  signal?: AbortSignal,
): Promise<ScannerStats> {
  const controller = new AbortController();
  const stop = (): void => controller.abort();
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  signal?.addEventListener('abort', stop, { once: true });
  const connection = await Connection.connect({ address: env.TEMPORAL_ADDRESS ?? '127.0.0.1:7233' });
  try {
    const namespace = env.HEALER_SCANNER_NAMESPACE ?? DEFAULT_K8S_NAMESPACE;
    return await runScanner(
      {
        stateDir: env.HEALER_SCANNER_STATE_DIR ?? '.healer/scanner',
        namespace,
        client: new Client({ connection, namespace: env.TEMPORAL_NAMESPACE ?? 'default' }),
        attribution: attributionFromEnv(env, namespace),
        sources: (state) => sourcesFromEnv(env, state),
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
