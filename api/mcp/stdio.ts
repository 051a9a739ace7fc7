// The MCP server over stdio (`healer mcp`): an MCP client spawns this process and talks JSON-RPC on
// its stdin/stdout. Nothing else may write to stdout here; diagnostics go to stderr.
import type { Readable, Writable } from 'node:stream';
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import type { HealerConfig } from '../../runtime/config';
import { connectApi, mcpDepsOf, type ComposeOptions } from '../compose';
import { createMcpServer, type McpDeps } from './server';

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

/** `healer mcp`: every tool, composed like the HTTP API's (api/compose.ts), on stdin/stdout until the client goes away. */
export async function serveMcpStdio(config: HealerConfig, opts: ComposeOptions = {}): Promise<void> {
  const { client, services, close } = await connectApi(config, opts);
  try {
    await runMcpStdio(mcpDepsOf(services, client));
  } finally {
    await close();
  }
}
