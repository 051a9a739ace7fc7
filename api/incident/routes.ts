// The human gate and incident reads: POST /api/v1/incidents/{id}/approve|reject, GET /api/v1/incidents/{id}.
import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import type { FastifyInstance, preHandlerAsyncHookHandler } from 'fastify';
import { incidentStatusQuery } from '../../core/contract';
import { notFound } from '../errors';
import type { createIncidentDecisions } from '../mcp/temporal-actions';

const idParam = {
  type: 'object',
  properties: { id: { type: 'string', pattern: '^incident-[A-Za-z0-9._-]+$' } },
  required: ['id'],
} as const;
const decisionBody = {
  type: ['object', 'null'],
  properties: { by: { type: 'string', maxLength: 200 }, comment: { type: 'string', maxLength: 4000 } },
  additionalProperties: false,
} as const;

export function registerIncidentRoutes(
  app: FastifyInstance,
  deps: { client: Client; decisions: ReturnType<typeof createIncidentDecisions>; guard: preHandlerAsyncHookHandler },
): void {
  app.get<{ Params: { id: string } }>('/api/v1/incidents/:id', { schema: { params: idParam } }, async (request) => {
    try {
      return await deps.client.workflow.getHandle(request.params.id).query(incidentStatusQuery);
    } catch (error) {
      if (error instanceof WorkflowNotFoundError) throw notFound(`incident ${request.params.id}`);
      throw error;
    }
  });
  for (const [action, decide] of [
    ['approve', deps.decisions.approveIncident],
    ['reject', deps.decisions.rejectIncident],
  ] as const) {
    app.post<{ Params: { id: string }; Body: { by?: string; comment?: string } | null }>(
      `/api/v1/incidents/:id/${action}`,
      { preHandler: deps.guard, schema: { params: idParam, body: decisionBody } },
      async (request) => decide(request.params.id, request.body ?? {}),
    );
  }
}
