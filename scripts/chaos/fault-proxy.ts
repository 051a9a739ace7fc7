// A fault-injecting HTTP proxy in front of one of the project's fakes (GitHub in the chaos suite). Each
// request, at the configured rates, is answered 502 without being forwarded (the effect never happens),
// forwarded and then answered 502 (the effect happened, the client cannot know), or answered with
// GitHub's secondary rate limit (403 + Retry-After); anything else is passed through. Seeded, so a run
// can be repeated.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface FaultRates {
  /** 502 before the request reaches the fake. */
  beforeApply: number;
  /** Forwarded (applied), then 502. */
  afterApply: number;
  /** 403 "You have exceeded a secondary rate limit" with Retry-After: 1. */
  secondaryRateLimit: number;
}

export const NO_FAULTS: FaultRates = { beforeApply: 0, afterApply: 0, secondaryRateLimit: 0 };

export interface FaultProxy {
  url: string;
  /** Faults injected so far, by kind, and requests passed through untouched. */
  readonly counts: Record<keyof FaultRates | 'passed', number>;
  setRates(rates: FaultRates): void;
  stop(): Promise<void>;
}

/** A small seeded generator (mulberry32): the same seed gives the same faults in the same order. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

export async function startFaultProxy(target: string, rates: FaultRates, seed = 1): Promise<FaultProxy> {
  const random = seededRandom(seed);
  let current = rates;
  const counts = { beforeApply: 0, afterApply: 0, secondaryRateLimit: 0, passed: 0 };
  const json = (res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) => {
    res.writeHead(status, { 'content-type': 'application/json', ...headers });
    res.end(JSON.stringify(body));
  };

  async function forward(req: IncomingMessage, body: Buffer): Promise<Response> {
    const headers = new Headers();
    for (const [name, value] of Object.entries(req.headers))
      if (typeof value === 'string' && !['host', 'connection', 'content-length'].includes(name))
        headers.set(name, value);
    return fetch(`${target}${req.url ?? '/'}`, {
      method: req.method,
      headers,
      ...(body.length && req.method !== 'GET' && req.method !== 'HEAD' ? { body } : {}),
      signal: AbortSignal.timeout(30_000),
    });
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const body = await readBody(req);
    const roll = random();
    const { beforeApply, afterApply, secondaryRateLimit } = current;
    if (roll < secondaryRateLimit) {
      counts.secondaryRateLimit += 1;
      return json(
        res,
        403,
        {
          message: 'You have exceeded a secondary rate limit. Please wait a few minutes before you try again.',
          documentation_url: 'https://docs.github.com/rest/overview/rate-limits-for-the-rest-api',
        },
        { 'retry-after': '1' },
      );
    }
    if (roll < secondaryRateLimit + beforeApply) {
      counts.beforeApply += 1;
      return json(res, 502, { message: 'Server Error' });
    }
    const upstream = await forward(req, body);
    const payload = Buffer.from(await upstream.arrayBuffer());
    if (roll < secondaryRateLimit + beforeApply + afterApply) {
      counts.afterApply += 1;
      return json(res, 502, { message: 'Server Error' });
    }
    counts.passed += 1;
    const headers: Record<string, string> = {};
    upstream.headers.forEach((value, name) => {
      if (!['content-length', 'transfer-encoding', 'connection', 'content-encoding'].includes(name))
        headers[name] = value;
    });
    res.writeHead(upstream.status, headers);
    res.end(payload);
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((error: Error) => json(res, 502, { message: `fault proxy: ${error.message}` }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    counts,
    setRates: (next) => (current = next),
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
