// A fake Loki on 127.0.0.1 speaking the query_range HTTP API: GET /loki/api/v1/query_range with query,
// start/end (nanosecond or RFC3339), limit and direction; answers `streams` results with labels and
// [nanosecond-timestamp, line] values, as Loki does. Supports the stream-selector part of LogQL
// ({k="v", k=~"re", k!="v"}) and a trailing `|= "text"` filter. Failures can be injected.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface LokiEntry {
  labels: Record<string, string>;
  /** Nanoseconds since the epoch. */
  tsNs: bigint;
  line: string;
}

interface Matcher {
  key: string;
  op: '=' | '!=' | '=~' | '!~';
  value: string;
}

export function parseLogQl(query: string): { matchers: Matcher[]; contains: string[] } {
  const m = query.match(/^\s*\{([^}]*)\}(.*)$/);
  if (!m) throw new Error(`parse error: queries require at least one stream selector: ${query}`);
  const matchers: Matcher[] = [];
  const re = /\s*([A-Za-z_][A-Za-z0-9_]*)\s*(=~|!~|!=|=)\s*"((?:[^"\\]|\\.)*)"\s*,?/g;
  let mm: RegExpExecArray | null;
  while ((mm = re.exec(m[1])) !== null)
    matchers.push({ key: mm[1], op: mm[2] as Matcher['op'], value: mm[3].replace(/\\(.)/g, '$1') });
  if (matchers.length === 0) throw new Error('parse error: empty stream selector');
  const contains = [...m[2].matchAll(/\|=\s*"((?:[^"\\]|\\.)*)"/g)].map((x) => x[1]);
  return { matchers, contains };
}

function matches(labels: Record<string, string>, ms: Matcher[]): boolean {
  return ms.every((m) => {
    const v = labels[m.key] ?? '';
    if (m.op === '=') return v === m.value;
    if (m.op === '!=') return v !== m.value;
    const hit = new RegExp(`^(?:${m.value})$`).test(v);
    return m.op === '=~' ? hit : !hit;
  });
}

function parseTime(value: string | undefined, fallback: bigint): bigint {
  if (!value) return fallback;
  if (/^\d+$/.test(value)) return value.length > 13 ? BigInt(value) : BigInt(value) * 1_000_000_000n;
  const ms = Date.parse(value);
  if (Number.isNaN(ms)) throw new Error(`invalid time ${value}`);
  return BigInt(ms) * 1_000_000n;
}

export class FakeLoki {
  url = '';
  readonly entries: LokiEntry[] = [];
  readonly queries: Array<Record<string, string>> = [];
  /** Maximum `limit` the server accepts (Loki's max_entries_limit_per_query). */
  maxLimit = 5000;
  private server?: Server;
  private failures: Array<{ status: number | 'reset'; times: number }> = [];
  private lastNs = 0n;

  async start(): Promise<this> {
    this.server = createServer((req, res) => this.handle(req, res));
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this;
  }

  async close(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  /** Pushes a line; timestamps default to now, strictly increasing. Returns the timestamp used. */
  push(labels: Record<string, string>, line: string, tsNs?: bigint): bigint {
    let ts = tsNs ?? BigInt(Date.now()) * 1_000_000n;
    if (tsNs === undefined && ts <= this.lastNs) ts = this.lastNs + 1n;
    if (ts > this.lastNs) this.lastNs = ts;
    this.entries.push({ labels, tsNs: ts, line });
    return ts;
  }

  /** The next `times` queries fail with `status` ('reset' destroys the connection). */
  failNext(status: number | 'reset', times = 1): void {
    this.failures.push({ status, times });
  }

  private handle(req: IncomingMessage, res: ServerResponse): void {
    const url = new URL(req.url ?? '/', 'http://x');
    if (url.pathname === '/ready') return void res.end('ready');
    if (url.pathname !== '/loki/api/v1/query_range') {
      res.writeHead(404, { 'content-type': 'text/plain' });
      return void res.end('404 page not found');
    }
    const q = Object.fromEntries(url.searchParams);
    this.queries.push(q);
    const failure = this.failures[0];
    if (failure) {
      if (--failure.times <= 0) this.failures.shift();
      if (failure.status === 'reset') return void req.socket.destroy();
      res.writeHead(failure.status, { 'content-type': 'text/plain' });
      return void res.end(failure.status === 429 ? 'too many outstanding requests' : 'internal server error');
    }
    try {
      const nowNs = BigInt(Date.now()) * 1_000_000n;
      const end = parseTime(q.end, nowNs);
      const start = parseTime(q.start, end - 3_600_000_000_000n);
      const limit = q.limit ? Number(q.limit) : 100;
      if (!Number.isInteger(limit) || limit <= 0) throw new Error('limit must be a positive integer');
      if (limit > this.maxLimit)
        throw new Error(
          `max entries limit per query exceeded, limit > max_entries_limit (${limit} > ${this.maxLimit})`,
        );
      const direction = q.direction ?? 'backward';
      const { matchers, contains } = parseLogQl(q.query ?? '');
      let selected = this.entries.filter(
        (e) =>
          e.tsNs >= start && e.tsNs < end && matches(e.labels, matchers) && contains.every((c) => e.line.includes(c)),
      );
      selected.sort((a, b) => (a.tsNs < b.tsNs ? -1 : a.tsNs > b.tsNs ? 1 : 0));
      if (direction === 'backward') selected.reverse();
      selected = selected.slice(0, limit);
      const streams = new Map<string, { stream: Record<string, string>; values: Array<[string, string]> }>();
      for (const e of selected) {
        const key = JSON.stringify(Object.entries(e.labels).sort());
        let s = streams.get(key);
        if (!s) streams.set(key, (s = { stream: e.labels, values: [] }));
        s.values.push([e.tsNs.toString(), e.line]);
      }
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(
        JSON.stringify({
          status: 'success',
          data: { resultType: 'streams', result: [...streams.values()], stats: {} },
        }),
      );
    } catch (error) {
      res.writeHead(400, { 'content-type': 'text/plain' });
      res.end((error as Error).message);
    }
  }
}

export async function startFakeLoki(): Promise<FakeLoki> {
  return new FakeLoki().start();
}
