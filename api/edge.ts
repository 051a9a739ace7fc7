// What every request meets before a route: Fastify's limits (body size, path-parameter length), the
// JSON error shape for every error, the token check and the rate limits. buildApi (api/server.ts)
// applies this first, before any route is registered.
import type { FastifyInstance, FastifyServerOptions } from 'fastify';
import { FIELD_RULES } from '../core/contract';
import type { HealerConfig } from '../runtime/config';
import { registerAuth } from './auth';
import { apiErrorHandler, clientErrorHandler, frameworkErrors, notFoundHandler } from './error-handler';
import { registerRateLimit } from './rate-limit';

/** Request bodies larger than this are refused with 413 before they are parsed. */
export const BODY_LIMIT = 5 * 1024 * 1024;

/** Fastify options: path parameters up to the longest id the API takes (incident ids); past that, 414. */
export const edgeServerOptions = {
  bodyLimit: BODY_LIMIT,
  routerOptions: { maxParamLength: FIELD_RULES.incidentId.maxLength },
  frameworkErrors,
  clientErrorHandler,
} satisfies FastifyServerOptions;

export async function protectApi(app: FastifyInstance, api: HealerConfig['api']): Promise<void> {
  app.setErrorHandler(apiErrorHandler);
  app.setNotFoundHandler(notFoundHandler);
  registerAuth(app, api);
  await registerRateLimit(app, api.rateLimit);
}
