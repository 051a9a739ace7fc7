// Bearer-token check for mutating routes when HEALER_API_TOKEN is set.
import { timingSafeEqual } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';

export function bearerMatches(header: string | undefined, token: string): boolean {
  const match = /^Bearer\s+(.+)$/i.exec(header ?? '');
  if (!match) return false;
  const given = Buffer.from(match[1].trim());
  const expected = Buffer.from(token);
  return given.length === expected.length && timingSafeEqual(given, expected);
}

/** A preHandler that answers 401 unless the request carries the token (no-op when no token is configured). */
export function requireToken(token: string | undefined) {
  return async (request: FastifyRequest, reply: FastifyReply): Promise<void> => {
    if (token === undefined || bearerMatches(request.headers.authorization, token)) return;
    await reply.code(401).header('www-authenticate', 'Bearer realm="healer"').send({
      error: 'unauthorized',
      message: 'a valid bearer token is required (Authorization: Bearer <HEALER_API_TOKEN>)',
    });
  };
}
