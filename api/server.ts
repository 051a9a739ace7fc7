// The HTTP API (design §3). Routes read from and write to Temporal through SessionService.
import Fastify, { type FastifyInstance } from 'fastify';
import { Client, Connection } from '@temporalio/client';
import { normaliseSessionPayload, PayloadError } from '../core/session/payload';
import type { HealerConfig } from '../runtime/config';
import { requireToken } from './auth';
import { HttpError } from './errors';
import { SessionService } from './session/sessions';
import { healthApiRoutes } from './model/health-api';
import { watchdogRoutes } from './watchdog/routes';
import { registerLogRoutes } from './session/log-routes';
import { registerIncidentRoutes } from './incident/routes';
import { createPushLogs } from './mcp/push-logs';
import { createIncidentDecisions, createWatchdogReader } from './mcp/temporal-actions';
import { registerMcpRoute, type McpDeps } from './mcp';
import { healerMetrics, instrumentFastify, type HealerMetrics } from '../runtime/metrics';

export interface ApiDeps {
  config: HealerConfig;
  client: Client;
  sessions: SessionService;
  metrics?: HealerMetrics;
  /** MCP's optional operations (log push, incident decisions, watchdog); default: built on `client`. */
  mcp?: Omit<McpDeps, 'sessions' | 'client'>;
}

const playIdParam = {
  type: 'object',
  properties: { play_id: { type: 'string', pattern: '^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$' } },
  required: ['play_id'],
} as const;

export async function buildApi(deps: ApiDeps): Promise<FastifyInstance> {
  const { config, sessions } = deps;
  const app = Fastify({
    logger: {
      level: config.logLevel,
      redact: ['req.headers.authorization'],
    },
    bodyLimit: 5 * 1024 * 1024,
  });
  const guard = requireToken(config.api.token);
  const metrics = deps.metrics ?? healerMetrics('api');
  instrumentFastify(app, metrics);

  app.setErrorHandler(
    async (error: Error & { statusCode?: number; validation?: unknown; code?: string }, request, reply) => {
      if (error instanceof HttpError) {
        return reply
          .code(error.statusCode)
          .send({ error: error.code, message: error.message, ...(error.field ? { field: error.field } : {}) });
      }
      if (error instanceof PayloadError)
        return reply.code(400).send({ error: 'invalid_payload', message: error.message, field: error.field });
      if (error.validation) return reply.code(400).send({ error: 'invalid_request', message: error.message });
      if (error.statusCode && error.statusCode >= 400 && error.statusCode < 500) {
        return reply.code(error.statusCode).send({ error: error.code ?? 'bad_request', message: error.message });
      }
      request.log.error({ err: error }, 'request failed');
      return reply.code(500).send({ error: 'internal', message: 'internal error; see the API log' });
    },
  );

  app.get('/health', async (_request, reply) => {
    try {
      await deps.client.connection.workflowService.describeNamespace({ namespace: config.temporal.namespace });
      return {
        status: 'ok',
        temporal: { address: config.temporal.address, namespace: config.temporal.namespace, reachable: true },
      };
    } catch (error) {
      return reply.code(503).send({
        status: 'degraded',
        temporal: { address: config.temporal.address, reachable: false, error: (error as Error).message },
      });
    }
  });

  await healthApiRoutes(app, {
    client: deps.client,
    logDir: config.logPath,
    dailyBudgetUsd: config.dailyBudgetUsd,
    healthWorkflowId: config.modelGateway.healthWorkflowId,
    budgetWorkflowPrefix: config.modelGateway.budgetWorkflowPrefix,
  });

  app.post('/api/v1/session/start', { preHandler: guard }, async (request, reply) => {
    const input = normaliseSessionPayload(request.body);
    const started = await sessions.start(input);
    return reply.code(201).send({ playId: input.playId, status: 'active', ...started });
  });

  app.get<{ Params: { play_id: string } }>(
    '/api/v1/session/:play_id',
    { schema: { params: playIdParam } },
    async (request) => sessions.get(request.params.play_id),
  );

  app.get('/api/v1/sessions', async () => {
    const list = await sessions.list();
    return { count: list.length, sessions: list };
  });

  app.get('/api/v1/sessions/active', async () => {
    const list = await sessions.list({ activeOnly: true });
    return { count: list.length, sessions: list };
  });

  app.post<{ Params: { play_id: string }; Body: { status?: string; reason?: string } | undefined }>(
    '/api/v1/session/:play_id/end',
    {
      preHandler: guard,
      schema: {
        params: playIdParam,
        body: {
          type: ['object', 'null'],
          properties: {
            status: { type: 'string', enum: ['completed', 'failed', 'cancelled'] },
            reason: { type: 'string', maxLength: 2000 },
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

  // One log push and one set of incident decisions serve both the HTTP routes and MCP.
  const pushLogs = createPushLogs(deps.client, { taskQueue: sessions.taskQueue });
  const decisions = createIncidentDecisions(deps.client);
  const mcpExtras = deps.mcp ?? {
    pushLogs,
    ...decisions,
    watchdogState: createWatchdogReader(deps.client, config.namespace),
  };
  registerLogRoutes(app, { sessions, pushLogs, guard });
  registerIncidentRoutes(app, { client: deps.client, decisions, guard });

  await app.register(watchdogRoutes, { client: deps.client, namespace: config.namespace });

  app.get('/metrics', async (_request, reply) =>
    reply.type(metrics.registry.contentType).send(await metrics.registry.metrics()),
  );

  registerMcpRoute(
    app,
    { sessions, client: deps.client, ...mcpExtras, onSignalSent: (signal) => metrics.signalsSent.inc({ signal }) },
    config.api.token,
  );

  return app;
}

export interface RunningApi {
  app: FastifyInstance;
  url: string;
  close(): Promise<void>;
}

/** Connects to Temporal and listens on HEALER_API_HOST:HEALER_PORT. */
export async function startApi(config: HealerConfig): Promise<RunningApi> {
  const connection = await Connection.connect({ address: config.temporal.address });
  const client = new Client({ connection, namespace: config.temporal.namespace });
  const sessions = new SessionService(client, {
    settings: {
      preflightWindowMs: config.preflightWindowMs,
      maxOpenIncidents: config.maxOpenIncidents,
      evidenceIntervalMs: config.evidenceIntervalMs,
      ...(config.ctoConfig.remediation
        ? { remediationDefaults: config.ctoConfig.remediation as Record<string, unknown> }
        : {}),
    },
    ...(config.temporal.uiUrl ? { ui: { url: config.temporal.uiUrl, namespace: config.temporal.namespace } } : {}),
  });
  const app = await buildApi({ config, client, sessions });
  await app.listen({ host: config.api.host, port: config.api.port });
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : config.api.port;
  return {
    app,
    url: `http://${config.api.host}:${port}`,
    close: async () => {
      await app.close();
      await connection.close();
    },
  };
}
