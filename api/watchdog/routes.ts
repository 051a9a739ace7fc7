// GET /api/v1/watchdog: each component's state, last heartbeat, restarts in the window and any
// running playbook, read from the watchdog workflow's query.
import type { FastifyInstance, FastifyPluginAsync } from 'fastify';
import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import { DEFAULT_K8S_NAMESPACE, watchdogWorkflowId } from '../../core/contract';
import { watchdogStatusQuery } from '../../core/contract';
import { jsonField } from '../field-schemas';

export interface WatchdogRoutesOptions {
  client: Client;
  /** Healer namespace whose watchdog is read (default "cto"); `?namespace=` overrides. */
  namespace?: string;
}

export const watchdogRoutes: FastifyPluginAsync<WatchdogRoutesOptions> = async (app: FastifyInstance, options) => {
  app.get<{ Querystring: { namespace?: string } }>(
    '/api/v1/watchdog',
    {
      schema: {
        querystring: {
          type: 'object',
          properties: { namespace: jsonField('k8sNamespace') },
        },
      },
    },
    async (request, reply) => {
      const namespace = request.query.namespace ?? options.namespace ?? DEFAULT_K8S_NAMESPACE;
      try {
        return await options.client.workflow.getHandle(watchdogWorkflowId(namespace)).query(watchdogStatusQuery);
      } catch (error) {
        if (error instanceof WorkflowNotFoundError) {
          return reply.code(404).send({
            error: 'not_found',
            message: `no watchdog is running for namespace ${namespace} (start it with \`healer watchdog\`)`,
          });
        }
        throw error;
      }
    },
  );
};
