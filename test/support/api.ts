// Builds the real Fastify API over the suite's dev server, for integration tests.
import type { FastifyInstance } from 'fastify';
import { buildApi } from '../../api/server';
import { composeApi } from '../../api/compose';
import { SessionService } from '../../api/session/sessions';
import type { SessionSettings } from '../../workflows/session/session';
import { loadConfig, type HealerConfig } from '../../runtime/config';
import { testAddress, testClient } from './temporal';

export interface TestApi {
  app: FastifyInstance;
  url: string;
  sessions: SessionService;
  config: HealerConfig;
  close(): Promise<void>;
}

export async function startTestApi(opts: {
  taskQueue: string;
  token?: string;
  env?: Record<string, string>;
  settings?: SessionSettings;
}): Promise<TestApi> {
  const config = loadConfig({
    TEMPORAL_ADDRESS: testAddress(),
    HEALER_LOG_LEVEL: 'silent',
    HEALER_STATE_DIR: process.env.HEALER_TEST_DIR,
    ...(opts.token ? { HEALER_API_TOKEN: opts.token } : {}),
    ...opts.env,
  });
  const client = await testClient();
  // Tests tune sessions beyond what configuration offers (e.g. llmTaskQueue).
  const sessions = new SessionService(client, {
    taskQueue: opts.taskQueue,
    settings: { preflightWindowMs: 60_000, ...opts.settings },
  });
  const services = { ...composeApi(config, client, { taskQueue: opts.taskQueue }), sessions };
  const app = await buildApi({ config, client, services });
  await app.listen({ host: '127.0.0.1', port: 0 });
  const { port } = app.server.address() as { port: number };
  return { app, url: `http://127.0.0.1:${port}`, sessions, config, close: () => app.close() };
}

// Tests read response bodies loosely; the assertions check their shape.
export async function http(
  url: string,
  method: string,
  body?: unknown,
  headers: Record<string, string> = {},
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
): Promise<{ status: number; body: any; headers: Headers }> {
  const response = await fetch(url, {
    method,
    headers: { ...(body !== undefined ? { 'content-type': 'application/json' } : {}), ...headers },
    body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
  });
  const text = await response.text();
  let parsed: unknown = text;
  try {
    parsed = JSON.parse(text);
  } catch {
    // not JSON (metrics)
  }
  return { status: response.status, body: parsed, headers: response.headers };
}
