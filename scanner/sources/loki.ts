// Loki source: polls `query_range` (direction=forward) from a cursor. Positions are
// `<timestamp ns, 20 digits>:<index among lines with that timestamp>`; a restart re-queries from the
// cursor's timestamp and skips what it already passed. Errors and resets back off and retry.
// (Loki's websocket `tail` endpoint would lower latency; polling keeps the cursor semantics simple.)
import type { LineRecord, Source, SourceContext } from '../types';
import { pad } from '../types';
import { sleep } from './queue';
import { DEFAULT_LOKI_QUERY } from '../../core/contract';

export interface LokiSourceOptions {
  url: string;
  /** LogQL stream selector, default `{namespace="cto"}`. */
  query?: string;
  pollMs?: number;
  /** Entries per request (default 1000). */
  limit?: number;
  /** Without a cursor, start this far back (default 5 min). */
  lookbackMs?: number;
  /** Extra request headers (X-Scope-OrgID, Authorization). */
  headers?: Record<string, string>;
  now?: () => Date;
  fetch?: typeof fetch;
}

interface LokiResponse {
  status: string;
  data: { resultType: string; result: Array<{ stream: Record<string, string>; values: Array<[string, string]> }> };
}

export interface LokiRangeQuery {
  url: string;
  query: string;
  /** Nanoseconds since the epoch; start inclusive, end exclusive. */
  startNs: bigint;
  endNs: bigint;
  limit: number;
  direction: 'forward' | 'backward';
  headers?: Record<string, string>;
  signal?: AbortSignal;
  fetch?: typeof fetch;
}

export interface LokiRangeEntry {
  ts: bigint;
  labels: Record<string, string>;
  line: string;
}

const compareEntries = (a: LokiRangeEntry & { key: string }, b: LokiRangeEntry & { key: string }): number =>
  a.ts < b.ts
    ? -1
    : a.ts > b.ts
      ? 1
      : a.key < b.key
        ? -1
        : a.key > b.key
          ? 1
          : a.line < b.line
            ? -1
            : a.line > b.line
              ? 1
              : 0;

/**
 * One `query_range` call, its streams merged into one order: timestamp, then labels, then line
 * (deterministic across re-reads). Throws on an HTTP error or a non-success status.
 */
export async function queryLokiRange(q: LokiRangeQuery): Promise<LokiRangeEntry[]> {
  const params = new URLSearchParams({
    query: q.query,
    start: q.startNs.toString(),
    end: q.endNs.toString(),
    limit: String(q.limit),
    direction: q.direction,
  });
  const res = await (q.fetch ?? fetch)(`${q.url.replace(/\/+$/, '')}/loki/api/v1/query_range?${params}`, {
    headers: q.headers,
    signal: q.signal,
  });
  if (!res.ok) throw new Error(`HTTP ${res.status}: ${(await res.text()).slice(0, 200)}`);
  const body = (await res.json()) as LokiResponse;
  if (body.status !== 'success') throw new Error(`status ${body.status}`);
  const entries = body.data.result.flatMap((s) => {
    const key = JSON.stringify(Object.entries(s.stream).sort());
    return s.values.map(([ts, line]) => ({ ts: BigInt(ts), key, labels: s.stream, line }));
  });
  return entries.sort(compareEntries).map(({ ts, labels, line }) => ({ ts, labels, line }));
}

export function lokiSource(opts: LokiSourceOptions): Source {
  const query = opts.query ?? DEFAULT_LOKI_QUERY;
  const stream = `loki:${query}`;
  const pollMs = opts.pollMs ?? 1000;
  const limit = opts.limit ?? 1000;
  const now = opts.now ?? (() => new Date());
  const doFetch = opts.fetch ?? fetch;
  return {
    name: stream,
    async *records(ctx: SourceContext): AsyncIterable<LineRecord> {
      const saved = ctx.cursor(stream);
      // Last emitted entry: its timestamp and index among entries sharing that timestamp.
      let lastTs = saved
        ? BigInt(saved.slice(0, 20))
        : BigInt(now().getTime() - (opts.lookbackMs ?? 300_000)) * 1_000_000n - 1n;
      let lastIdx = saved ? Number(saved.slice(21)) : Number.MAX_SAFE_INTEGER;
      let backoff = pollMs;
      while (!ctx.signal.aborted) {
        const endNs = BigInt(now().getTime()) * 1_000_000n + 1n;
        let entries: LokiRangeEntry[];
        try {
          entries = await queryLokiRange({
            url: opts.url,
            query,
            startNs: lastTs,
            endNs,
            limit,
            direction: 'forward',
            headers: opts.headers,
            signal: ctx.signal,
            fetch: doFetch,
          });
        } catch (error) {
          if (ctx.signal.aborted) return;
          ctx.log(`loki query failed (${(error as Error).message}); retrying in ${backoff} ms`);
          await sleep(backoff, ctx.signal);
          backoff = Math.min(backoff * 2, 30_000);
          continue;
        }
        backoff = pollMs;
        let idx = -1;
        let prevTs = -1n;
        let emitted = 0;
        for (const e of entries) {
          idx = e.ts === prevTs ? idx + 1 : 0;
          prevTs = e.ts;
          if (e.ts < lastTs || (e.ts === lastTs && idx <= lastIdx)) continue; // already passed
          lastTs = e.ts;
          lastIdx = idx;
          emitted++;
          yield {
            kind: 'line',
            stream,
            position: `${pad(e.ts, 20)}:${pad(idx, 6)}`,
            line: e.line,
            labels: e.labels,
            observedAt: new Date(Number(e.ts / 1_000_000n)).toISOString(),
          };
        }
        // A full page means more is waiting: ask again at once from the last timestamp.
        if (entries.length >= limit && emitted > 0) continue;
        await sleep(pollMs, ctx.signal);
      }
    },
  };
}
