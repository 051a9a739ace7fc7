// The HTTP API (design §3). Routes read from and write to Temporal through SessionService.
import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import type { Client } from '@temporalio/client';
import { normaliseSessionPayload } from '../core/session/payload';
import type { HealerConfig } from '../runtime/config';
import { connectApi, mcpDepsOf, type ApiServices, type ComposeOptions } from './compose';
import { edgeServerOptions, protectApi } from './edge';
import { jsonField, paramsSchema } from './field-schemas';
import { registerSessionListRoutes } from './session/list-routes';
import { healthApiRoutes } from './model/health-api';
import { budgetGauges } from './model/budget-metrics';
import { watchdogRoutes } from './watchdog/routes';
import { registerLogRoutes } from './session/log-routes';
import { registerIncidentRoutes } from './incident/routes';
import { registerGitHubRoutes } from './github/routes';
import { registerMcpRoute } from './mcp';
import { registerTemporalCircuit, type TemporalCircuit } from './temporal-circuit';
import { healerMetrics, instrumentFastify, type HealerMetrics } from '../runtime/metrics';
import type { Logger } from '../runtime/logger';
import { traceRequests } from './tracing';

export interface ApiDeps {
  config: HealerConfig;
  client: Client;
  /** Sessions and operations, from composeApi (api/compose.ts): the HTTP routes and /mcp share them. */
  services: ApiServices;
  metrics?: HealerMetrics;
  /** Answers 503 with Retry-After at once while Temporal is unreachable (api/temporal-circuit.ts). */
  circuit?: TemporalCircuit;
  /** The process logger (runtime/logger.ts); without it Fastify's own at HEALER_LOG_LEVEL. */
  logger?: Logger;
}

const playIdParam = paramsSchema({ play_id: 'playId' });

export async function buildApi(deps: ApiDeps): Promise<FastifyInstance> {
  const { config, services } = deps;
  const { sessions } = services;
  const app = Fastify({
    ...(deps.logger
      ? { loggerInstance: deps.logger as FastifyBaseLogger }
      : { logger: { level: config.logLevel, redact: ['req.headers.authorization'] } }),
    ...edgeServerOptions,
  });
  await protectApi(app, config.api);
  const metrics = deps.metrics ?? healerMetrics('api');
  instrumentFastify(app, metrics);
  traceRequests(app);
  if (deps.circuit) registerTemporalCircuit(app, deps.circuit);

  app.get('/health', async (_request, reply) => {
    try {
      await deps.client.connection.workflowService.describeNamespace({ namespace: config.temporal.namespace });
      return { status: 'ok', temporal: { reachable: true } };
    } catch {
      // Liveness for anyone who can reach the port: no addresses or error texts (the API log has them).
      return reply.code(503).send({ status: 'degraded', temporal: { reachable: false } });
    }
  });

  await healthApiRoutes(app, {
    client: deps.client,
    dailyBudgetUsd: config.modelGateway.dailyBudgetUsd,
    healthWorkflowId: config.modelGateway.healthWorkflowId,
    budgetWorkflowPrefix: config.modelGateway.budgetWorkflowPrefix,
  });

  app.post('/api/v1/session/start', async (request, reply) => {
    const input = normaliseSessionPayload(request.body);
    const started = await sessions.start(input);
    return reply.code(201).send({ playId: input.playId, status: 'active', ...started });
  });

  app.get<{ Params: { play_id: string } }>(
    '/api/v1/session/:play_id',
    { schema: { params: playIdParam } },
    async (request) => sessions.get(request.params.play_id),
  );

  registerSessionListRoutes(app, sessions);

  app.post<{ Params: { play_id: string }; Body: { status?: string; reason?: string } | undefined }>(
    '/api/v1/session/:play_id/end',
    {
      schema: {
        params: playIdParam,
        body: {
          type: ['object', 'null'],
          properties: {
            status: { type: 'string', enum: ['completed', 'failed', 'cancelled'] },
            reason: { ...jsonField('endReason'), minLength: 0 },
          },
          additionalProperties: false,
        },
      },
    },
    async (request, reply) => {
      const body = request.body ?? {};
      await sessions.end(
        request.params.play_id,
        body as { status?: 'completed' | 'failed' | 'cancelled'; reason?: string },
      );
      return reply.code(202).send({ playId: request.params.play_id, status: 'ending' });
    },
  );

  registerLogRoutes(app, { sessions, pushLogs: services.pushLogs });
  registerIncidentRoutes(app, { client: deps.client, decisions: services.decisions });
  registerGitHubRoutes(app, { client: deps.client, config, taskQueue: sessions.taskQueue });

  await app.register(watchdogRoutes, { client: deps.client, namespace: config.namespace });

  const refreshBudget = budgetGauges(
    {
      client: deps.client,
      healthWorkflowId: config.modelGateway.healthWorkflowId,
      budgetWorkflowPrefix: config.modelGateway.budgetWorkflowPrefix,
    },
    config.modelGateway.dailyBudgetUsd,
    metrics,
  );
  app.get('/metrics', async (_request, reply) => {
    await refreshBudget();
    return reply.type(metrics.registry.contentType).send(await metrics.registry.metrics());
  });

  registerMcpRoute(app, {
    ...mcpDepsOf(services, deps.client),
    onSignalSent: (signal) => metrics.signalsSent.inc({ signal }),
  });

  return app;
}

export interface RunningApi {
  app: FastifyInstance;
  url: string;
  close(): Promise<void>;
}

/** `healer api`: connects to Temporal, composes the services and listens on HEALER_API_HOST:HEALER_PORT. */
export async function startApi(config: HealerConfig, opts: ComposeOptions = {}, logger?: Logger): Promise<RunningApi> {
  const { client, services, circuit, close } = await connectApi(config, opts);
  const app = await buildApi({ config, client, services, circuit, ...(logger ? { logger } : {}) });
  await app.listen({ host: config.api.host, port: config.api.port });
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : config.api.port;
  return {
    app,
    url: `http://${config.api.host}:${port}`,
    close: async () => {
      await app.close();
      await close();
    },
  };
}
