// The MCP server over stdio (`healer mcp`): an MCP client spawns this process and talks JSON-RPC on
// its stdin/stdout. Nothing else may write to stdout here; diagnostics go to stderr.
import type { Readable, Writable } from 'node:stream';
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import { Client, Connection } from '@temporalio/client';
import type { HealerConfig } from '../../runtime/config';
import { SessionService } from '../session/sessions';
import { createPushLogs } from './push-logs';
import { createMcpServer, type McpDeps } from './server';
import { createIncidentDecisions, createWatchdogReader } from './temporal-actions';

/** Serves MCP on the given streams (default: this process's stdin/stdout) until the input ends. */
export async function runMcpStdio(
  deps: McpDeps,
  io: { stdin: Readable; stdout: Writable } = { stdin: process.stdin, stdout: process.stdout },
): Promise<void> {
  const server = createMcpServer(deps);
  const closed = new Promise<void>((resolve) => {
    server.server.onclose = () => resolve();
  });
  // The SDK's stdio transport does not notice the client going away; end with the input.
  io.stdin.once('end', () => void server.close());
  await server.connect(new StdioServerTransport(io.stdin, io.stdout));
  await closed;
}

export interface ConnectedMcpDeps {
  deps: McpDeps;
  close(): Promise<void>;
}

export interface ConnectOptions {
  /** Task queue sessions start on (default `healer`). */
  taskQueue?: string;
  /** The optional functions, built on the connected client (default: none, each tool says it is unavailable). */
  extras?: (client: Client) => Omit<McpDeps, 'sessions' | 'client'>;
}

/** Connects to Temporal as the config says and builds the deps. */
export async function connectMcpDeps(config: HealerConfig, opts: ConnectOptions = {}): Promise<ConnectedMcpDeps> {
  const connection = await Connection.connect({ address: config.temporal.address });
  const client = new Client({ connection, namespace: config.temporal.namespace });
  const sessions = new SessionService(client, {
    ...(opts.taskQueue ? { taskQueue: opts.taskQueue } : {}),
    settings: { preflightWindowMs: config.preflightWindowMs },
  });
  return { deps: { sessions, client, ...opts.extras?.(client) }, close: () => connection.close() };
}

/** Everything that needs only Temporal: log push through the scanner's matcher, the human gate, the watchdog query. */
export function defaultMcpExtras(
  client: Client,
  opts: { taskQueue?: string; namespace?: string } = {},
): Omit<McpDeps, 'sessions' | 'client'> {
  return {
    pushLogs: createPushLogs(client, opts),
    ...createIncidentDecisions(client),
    watchdogState: createWatchdogReader(client, opts.namespace),
  };
}

/** `healer mcp`: serve every tool on stdin/stdout until the client goes away. */
export async function serveMcpStdio(
  config: HealerConfig,
  extras: ConnectOptions['extras'] = (client) => defaultMcpExtras(client, { namespace: config.namespace }),
): Promise<void> {
  const { deps, close } = await connectMcpDeps(config, { extras });
  try {
    await runMcpStdio(deps);
  } finally {
    await close();
  }
}
