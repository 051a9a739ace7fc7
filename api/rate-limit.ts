// Per-caller rate limits (@fastify/rate-limit): each token (or, on an open API, each client address)
// gets `max` requests per window, and apart from those `logsMax` log pushes, which a scanner or agent
// sends in bursts. Beyond: 429 with Retry-After. /health and /metrics are never limited (probes and
// scrapers). Runs after the token check (registered after registerAuth), so an unknown token is a 401
// and does not use up anyone's allowance. Counters are per API replica, in memory.
import rateLimit from '@fastify/rate-limit';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { ANONYMOUS } from './auth';
import { HttpError } from './errors';

export interface RateLimitSettings {
  windowMs: number;
  /** 0: no limit. */
  max: number;
  /** 0: no limit. */
  logsMax: number;
}

const LOG_PUSH_ROUTE = '/api/v1/session/:play_id/logs';
const UNLIMITED_ROUTES = new Set(['/health', '/metrics']);

const isLogPush = (request: FastifyRequest) => request.routeOptions.url === LOG_PUSH_ROUTE;

/** A token's own allowance, or the client address's on an open API. */
function callerKey(request: FastifyRequest): string {
  const who = request.caller && request.caller.name !== ANONYMOUS ? `token:${request.caller.name}` : `ip:${request.ip}`;
  return isLogPush(request) ? `${who}:logs` : who;
}

export async function registerRateLimit(app: FastifyInstance, settings: RateLimitSettings): Promise<void> {
  const maxFor = (request: FastifyRequest) => (isLogPush(request) ? settings.logsMax : settings.max);
  await app.register(rateLimit, {
    global: true,
    timeWindow: settings.windowMs,
    max: (request) => maxFor(request),
    keyGenerator: callerKey,
    allowList: (request) => UNLIMITED_ROUTES.has(request.routeOptions.url ?? '') || maxFor(request) === 0,
    errorResponseBuilder: (_request, context) =>
      new HttpError(
        429,
        'rate_limited',
        `rate limit reached: ${context.max} requests per ${context.after}; retry later`,
      ),
  });
}
