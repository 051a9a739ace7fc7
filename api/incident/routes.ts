// The human gate and incident reads: POST /api/v1/incidents/{id}/approve|reject, GET /api/v1/incidents/{id}.
// Decisions go through createIncidentDecisions (shared with MCP): 409 saying why when the incident's
// validator refuses one or the incident has finished, 404 for an id that never ran.
import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import type { FastifyInstance } from 'fastify';
import { incidentStatusQuery } from '../../core/contract';
import { notFound } from '../errors';
import { jsonField, paramsSchema } from '../field-schemas';
import type { createIncidentDecisions } from '../mcp/temporal-actions';

const idParam = paramsSchema({ id: 'incidentId' });
const decisionBody = {
  type: ['object', 'null'],
  properties: { by: jsonField('actor'), comment: { ...jsonField('comment'), minLength: 0 } },
  additionalProperties: false,
} as const;

export function registerIncidentRoutes(
  app: FastifyInstance,
  deps: { client: Client; decisions: ReturnType<typeof createIncidentDecisions> },
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
      { schema: { params: idParam, body: decisionBody } },
      async (request) => decide(request.params.id, request.body ?? {}),
    );
  }
}
