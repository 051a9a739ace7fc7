// The API as `healer api` runs it (startApi: its own Temporal connection with deadlines, tokens with
// scopes, rate limits) on the suite's dev server, plus what the probes need: scoped tokens, raw HTTP
// with timing, and MCP tools/call over the API's /mcp.
import type { Worker } from '@temporalio/worker';
import { startApi, type RunningApi } from '../../api/server';
import { loadConfig } from '../../runtime/config';
import { createTestWorker, eventually, testAddress } from '../support/temporal';

/** One token per scope, and one with all three. */
export const TOKENS = {
  read: 'probe-read-0123456789abcdef',
  write: 'probe-write-0123456789abcdef',
  admin: 'probe-admin-0123456789abcdef',
  all: 'probe-all-0123456789abcdef',
} as const;
export type TokenName = keyof typeof TOKENS;

export const TOKENS_ENV = [
  `reader:read:${TOKENS.read}`,
  `writer:write:${TOKENS.write}`,
  `operator:admin:${TOKENS.admin}`,
  `everything:read,write,admin:${TOKENS.all}`,
].join(';');

export const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

export interface SecuredApi {
  url: string;
  worker: Worker;
  close(): Promise<void>;
}

/** The real API with scoped tokens (and any extra env), and a worker for its sessions. */
export async function startSecuredApi(taskQueue: string, env: Record<string, string> = {}): Promise<SecuredApi> {
  const config = loadConfig({
    TEMPORAL_ADDRESS: testAddress(),
    HEALER_LOG_LEVEL: 'silent',
    HEALER_STATE_DIR: process.env.HEALER_TEST_DIR,
    HEALER_PORT: '0',
    HEALER_API_TOKENS: TOKENS_ENV,
    HEALER_MAX_OPEN_INCIDENTS: '1',
    ...env,
  });
  const api: RunningApi = await startApi(config, { taskQueue });
  const worker = await createTestWorker({ taskQueue });
  const running = worker.run();
  // Ready once a Temporal-backed route answers (the API connects to Temporal lazily).
  await eventually(
    () => request(`${api.url}/api/v1/sessions?limit=1`, 'GET', undefined, bearer(TOKENS.all)),
    (answer) => answer.status === 200,
  );
  return {
    url: api.url,
    worker,
    close: async () => {
      await api.close();
      worker.shutdown();
      await running;
    },
  };
}

export interface Answer {
  status: number;
  // Probes read bodies loosely; assertions check their shape.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  body: any;
  text: string;
  headers: Headers;
  ms: number;
}

/** One HTTP request; the body is sent as given when it is a string, as JSON otherwise. */
export async function request(
  url: string,
  method: string,
  body?: unknown,
  headers: Record<string, string> = {},
): Promise<Answer> {
  const started = performance.now();
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
    // not JSON
  }
  return { status: response.status, body: parsed, text, headers: response.headers, ms: performance.now() - started };
}

export interface ToolAnswer {
  /** The HTTP status of /mcp. */
  status: number;
  isError: boolean;
  text: string;
  ms: number;
}

/** MCP `tools/call` over the API's stateless /mcp endpoint; `args` as an object, or as raw JSON text. */
export async function callTool(
  url: string,
  token: string,
  name: string,
  args: Record<string, unknown> | string,
): Promise<ToolAnswer> {
  const rawArgs = typeof args === 'string' ? args : JSON.stringify(args);
  const answer = await request(
    `${url}/mcp`,
    'POST',
    `{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":${JSON.stringify(name)},"arguments":${rawArgs}}}`,
    { ...bearer(token), accept: 'application/json, text/event-stream' },
  );
  const result = answer.body?.result as { isError?: boolean; content?: Array<{ text: string }> } | undefined;
  const error = answer.body?.error as { message: string } | undefined;
  return {
    status: answer.status,
    isError: error !== undefined || result?.isError === true,
    text: error?.message ?? (result?.content ?? []).map((c) => c.text).join('\n'),
    ms: answer.ms,
  };
}

/** `n` characters of `char`. */
export const chars = (n: number, char = 'a') => char.repeat(n);
