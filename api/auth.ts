// Who may call what. Every route but /health (liveness), /metrics (its own optional token) and GitHub's
// signed webhook needs a bearer token with the route's scope: `read` for GETs, `write` for starting,
// ending and pushing, `admin` for the human gate and the watchdog. /mcp needs `read`; each MCP tool
// then checks its own scope (api/mcp/server.ts). The check runs in onRequest, before the body is read,
// so an unauthenticated request costs no parsing. With no token configured the API is open, as before.
import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ApiScope, ApiToken } from '../runtime/config';

/** Who is calling: a configured token's name and scopes, or `anonymous` with every scope on an open API. */
export interface Caller {
  name: string;
  scopes: ReadonlySet<ApiScope>;
}

declare module 'fastify' {
  interface FastifyRequest {
    caller: Caller | null;
  }
}

export const ALL_SCOPES: ReadonlySet<ApiScope> = new Set(['read', 'write', 'admin']);
/** The caller on an open API (no token configured). */
export const ANONYMOUS = 'anonymous';

type Access = ApiScope | 'public' | 'metrics';

/** Routes whose access is not simply `read` for GET and `write` otherwise (Fastify route patterns). */
const ROUTE_ACCESS: Record<string, Access> = {
  '/health': 'public',
  '/metrics': 'metrics',
  '/mcp': 'read',
  '/api/v1/incidents/:id/approve': 'admin',
  '/api/v1/incidents/:id/reject': 'admin',
  '/api/v1/watchdog': 'admin',
  // GitHub authenticates its deliveries with X-Hub-Signature-256, checked by the route (api/github/webhook.ts).
  '/api/v1/github/webhook': 'public',
};

export function routeAccess(method: string, routePattern: string | undefined): Access {
  const listed = routePattern === undefined ? undefined : ROUTE_ACCESS[routePattern];
  if (listed) return listed;
  return method === 'GET' || method === 'HEAD' ? 'read' : 'write';
}

const digest = (text: string) => createHash('sha256').update(text).digest();

/**
 * Matches a presented bearer token against the configured ones in constant time: both sides are hashed
 * to 32 bytes first (so the comparison says nothing about lengths) and every token is compared.
 */
export class TokenMatcher {
  private readonly digests: Array<{ token: ApiToken; digest: Buffer }>;

  constructor(tokens: readonly ApiToken[]) {
    this.digests = tokens.map((token) => ({ token, digest: digest(token.token) }));
  }

  match(authorization: string | undefined): ApiToken | undefined {
    const presented = /^Bearer\s+(\S+)\s*$/i.exec(authorization ?? '')?.[1];
    if (presented === undefined) return undefined;
    const given = digest(presented);
    let found: ApiToken | undefined;
    for (const { token, digest: expected } of this.digests) if (timingSafeEqual(given, expected)) found ??= token;
    return found;
  }
}

function unauthorized(reply: FastifyReply, message: string) {
  return reply.code(401).header('www-authenticate', 'Bearer realm="healer"').send({ error: 'unauthorized', message });
}

export function forbiddenMessage(scope: ApiScope): string {
  return `this token lacks the "${scope}" scope`;
}

export interface AccessSettings {
  tokens: readonly ApiToken[];
  metricsToken?: string;
}

/** Installs the check on every request (known routes and 404s alike); sets `request.caller`. */
export function registerAuth(app: FastifyInstance, settings: AccessSettings): void {
  const tokens = new TokenMatcher(settings.tokens);
  const metrics = settings.metricsToken
    ? new TokenMatcher([{ name: 'metrics', token: settings.metricsToken, scopes: [] }])
    : undefined;
  const open = settings.tokens.length === 0;
  app.decorateRequest('caller', null);
  app.addHook('onRequest', async (request: FastifyRequest, reply: FastifyReply) => {
    const access = routeAccess(request.method, request.routeOptions.url);
    if (access === 'public') return;
    if (access === 'metrics') {
      if (metrics && !metrics.match(request.headers.authorization))
        return unauthorized(reply, 'GET /metrics needs the metrics bearer token (HEALER_METRICS_TOKEN)');
      return;
    }
    if (open) {
      request.caller = { name: ANONYMOUS, scopes: ALL_SCOPES };
      return;
    }
    const token = tokens.match(request.headers.authorization);
    if (!token) return unauthorized(reply, 'a valid bearer token is required (Authorization: Bearer <token>)');
    if (!token.scopes.includes(access))
      return reply.code(403).send({ error: 'forbidden', message: forbiddenMessage(access) });
    request.caller = { name: token.name, scopes: new Set(token.scopes) };
  });
}
