// The log window around an incident, read from whichever sources the deployment has: Loki (`query_range`
// over the session's namespace and play-id label, through the scanner's own query code), Kubernetes pod
// logs (every container of the session's pods, from `sinceTime`) and the lines pushed through the API or
// MCP (the session's `logs-<play_id>` store in Temporal). Each source reads every agent of the session;
// the caps are applied afterwards (core/incident/log-window.ts). Every read has a deadline.
import { finished } from 'node:stream/promises';
import { Writable } from 'node:stream';
import type { KubeConfig, Log } from '@kubernetes/client-node';
import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import {
  logStoreWorkflowId,
  logWindowQuery,
  type AttributionLabels,
  type Detection,
  type StoredLogLine,
} from '../../core/contract';
import type { WindowLine } from '../../core/incident/log-window';
import { attribute, DEFAULT_ATTRIBUTION } from '../../scanner/attribution';
import { queryLokiRange } from '../../scanner/sources/loki';
import { normaliseTimestamp } from '../../scanner/sources/timestamp';

export interface WindowRequest {
  playId: string;
  namespace: string;
  /** ISO bounds of the window. */
  from: string;
  to: string;
  detection: Detection;
}

/** One place a session's lines can be read from. */
export interface LogWindowSource {
  name: string;
  read(request: WindowRequest, signal: AbortSignal): Promise<WindowLine[]>;
}

/** Raw lines read per source at most, before the caps choose (a runaway window stops here). */
export const MAX_SOURCE_LINES = 50_000;

const nanos = (iso: string): bigint => BigInt(Date.parse(iso)) * 1_000_000n;

/** `work`, or a rejection as soon as `signal` aborts: for clients that take no signal of their own. */
export function untilAborted<T>(work: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(new Error('deadline passed'));
  return new Promise<T>((resolve, reject) => {
    const abort = (): void => reject(new Error('deadline passed'));
    signal.addEventListener('abort', abort, { once: true });
    work.then(resolve, reject).finally(() => signal.removeEventListener('abort', abort));
  });
}
/** Loki label names are [A-Za-z_][A-Za-z0-9_]*: the last segment of a prefixed label, `-` as `_`. */
const lokiLabel = (name: string): string => name.slice(name.lastIndexOf('/') + 1).replace(/[^A-Za-z0-9_]/g, '_');
const quoted = (value: string): string => JSON.stringify(value);

function who(labels: Record<string, string>, names: AttributionLabels): Pick<WindowLine, 'agent' | 'pod'> {
  const found = attribute(labels, { ...DEFAULT_ATTRIBUTION, ...names });
  return { ...(found.agent ? { agent: found.agent } : {}), ...(found.pod ? { pod: found.pod } : {}) };
}

export interface LokiWindowOptions {
  url: string;
  orgId?: string;
  labels: AttributionLabels;
  /** Entries per request (Loki's max_entries_limit_per_query is 5000 by default). */
  pageLimit?: number;
  fetch?: typeof fetch;
}

/** Loki: `{<namespace>="ns", <play-id>="play"}` over the window, paged forward. */
export function lokiWindowSource(opts: LokiWindowOptions): LogWindowSource {
  const pageLimit = opts.pageLimit ?? 2000;
  return {
    name: 'loki',
    async read(request, signal) {
      const query = `{${lokiLabel(opts.labels.namespaceLabels[0])}=${quoted(request.namespace)}, ${lokiLabel(opts.labels.playIdLabels[0])}=${quoted(request.playId)}}`;
      const endNs = nanos(request.to) + 1n;
      let startNs = nanos(request.from);
      const lines: WindowLine[] = [];
      // Entries at the last timestamp of a full page are asked for again: skip the ones already read.
      let atLast = new Set<string>();
      while (lines.length < MAX_SOURCE_LINES) {
        const page = await queryLokiRange({
          url: opts.url,
          query,
          startNs,
          endNs,
          limit: pageLimit,
          direction: 'forward',
          headers: opts.orgId ? { 'X-Scope-OrgID': opts.orgId } : undefined,
          signal,
          fetch: opts.fetch,
        });
        const lastTs = page.at(-1)?.ts;
        const seenAtLast = new Set<string>();
        for (const entry of page) {
          const key = `${JSON.stringify(entry.labels)}|${entry.line}`;
          if (entry.ts === startNs && atLast.has(key)) continue;
          if (entry.ts === lastTs) seenAtLast.add(key);
          lines.push({
            at: new Date(Number(entry.ts / 1_000_000n)).toISOString(),
            line: entry.line,
            source: 'loki',
            ...who(entry.labels, opts.labels),
          });
        }
        if (page.length < pageLimit || lastTs === undefined) break;
        if (lastTs === startNs && seenAtLast.size >= pageLimit) break; // one timestamp fills a page: stop, not loop
        startNs = lastTs;
        atLast = seenAtLast;
      }
      return lines.slice(0, MAX_SOURCE_LINES);
    },
  };
}

export interface KubernetesWindowOptions {
  kubeConfig: KubeConfig;
  labels: AttributionLabels;
  /** Bytes read per container at most (the API server's limitBytes). */
  limitBytes?: number;
}

/** Reads one container's log from `sinceTime` (second precision) without following. */
async function containerLog(
  log: Log,
  namespace: string,
  pod: string,
  container: string,
  sinceTime: string,
  limitBytes: number,
  signal: AbortSignal,
): Promise<string> {
  const chunks: Buffer[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      chunks.push(chunk);
      callback();
    },
  });
  const controller = await untilAborted(
    log.log(namespace, pod, container, sink, { follow: false, timestamps: true, sinceTime, limitBytes }),
    signal,
  );
  const abort = (): void => controller.abort();
  signal.addEventListener('abort', abort, { once: true });
  try {
    await untilAborted(finished(sink), signal);
  } finally {
    signal.removeEventListener('abort', abort);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/** Kubernetes: every container of the pods labelled with the session's play id. */
export function kubernetesWindowSource(opts: KubernetesWindowOptions): LogWindowSource {
  // Loaded here, with a cluster configured (activities/kubernetes.ts).
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { CoreV1Api, Log } = require('@kubernetes/client-node') as typeof import('@kubernetes/client-node');
  const core = opts.kubeConfig.makeApiClient(CoreV1Api);
  const log = new Log(opts.kubeConfig);
  return {
    name: 'kubernetes',
    async read(request, signal) {
      const pods = await untilAborted(
        core.listNamespacedPod({
          namespace: request.namespace,
          labelSelector: `${opts.labels.playIdLabels[0]}=${request.playId}`,
        }),
        signal,
      );
      const sinceTime = new Date(Date.parse(request.from)).toISOString().replace(/\.\d+Z$/, 'Z');
      const to = normaliseTimestamp(request.to);
      const from = normaliseTimestamp(request.from);
      const reads = pods.items.flatMap((pod) =>
        (pod.spec?.containers ?? []).map(async (container) => {
          const name = pod.metadata?.name ?? '';
          const text = await containerLog(
            log,
            request.namespace,
            name,
            container.name,
            sinceTime,
            opts.limitBytes ?? 4_000_000,
            signal,
          );
          const labels = { ...(pod.metadata?.labels ?? {}), pod: name, container: container.name };
          return text
            .split('\n')
            .filter((raw) => raw.length > 0)
            .map((raw): WindowLine | undefined => {
              const space = raw.indexOf(' ');
              const at = normaliseTimestamp(raw.slice(0, space));
              if (at < from || at > to) return undefined;
              return {
                at: new Date(Date.parse(at)).toISOString(),
                line: raw.slice(space + 1),
                source: 'kubernetes',
                ...who(labels, opts.labels),
              };
            })
            .filter((line): line is WindowLine => line !== undefined);
        }),
      );
      return (await Promise.all(reads)).flat().slice(0, MAX_SOURCE_LINES);
    },
  };
}

/** Lines pushed through the API / MCP: the session's `logs-<play_id>` store (none pushed: no lines). */
export function pushedWindowSource(client: () => Client): LogWindowSource {
  return {
    name: 'pushed',
    async read(request, signal) {
      let stored: StoredLogLine[];
      try {
        const temporal = client();
        stored = await temporal.withAbortSignal(signal, () =>
          temporal.workflow
            .getHandle(logStoreWorkflowId(request.playId))
            .query(logWindowQuery, { from: request.from, to: request.to }),
        );
      } catch (error) {
        if (error instanceof WorkflowNotFoundError) return [];
        throw error;
      }
      return stored.map((s) => ({
        at: s.at,
        line: s.line,
        source: 'pushed',
        ...(s.agent ? { agent: s.agent } : {}),
        ...(s.pod ? { pod: s.pod } : {}),
      }));
    },
  };
}

/** A plain function returning lines (tests, embedders): every line counts as seen at the detection. */
export function hookWindowSource(read: (request: WindowRequest) => Promise<string[]>): LogWindowSource {
  return {
    name: 'log-window',
    async read(request) {
      const lines = await read(request);
      return lines.map((line) => ({ at: request.detection.observedAt, line, source: 'log-window' }));
    },
  };
}
