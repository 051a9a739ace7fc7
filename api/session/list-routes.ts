// GET /api/v1/sessions and /api/v1/sessions/active: one page of sessions,
// `{count, sessions, nextCursor?}`; `?limit=` (default 100, at most 1000) and `?cursor=` page on.
import type { FastifyInstance } from 'fastify';
import { SESSION_PAGE } from '../../core/contract';
import { jsonField } from '../field-schemas';
import type { SessionService } from './sessions';

const pageQuery = {
  type: 'object',
  properties: {
    limit: { type: 'integer', minimum: 1, maximum: SESSION_PAGE.max },
    cursor: jsonField('cursor'),
  },
  additionalProperties: false,
} as const;

export function registerSessionListRoutes(app: FastifyInstance, sessions: SessionService): void {
  for (const [path, activeOnly] of [
    ['/api/v1/sessions', false],
    ['/api/v1/sessions/active', true],
  ] as const) {
    app.get<{ Querystring: { limit?: number; cursor?: string } }>(
      path,
      { schema: { querystring: pageQuery } },
      async (request) => {
        const page = await sessions.listPage({ activeOnly, ...request.query });
        return { count: page.sessions.length, ...page };
      },
    );
  }
}
