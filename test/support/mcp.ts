// An MCP client talking to a Healer MCP server in a child process over stdio, as an MCP host runs
// `healer mcp`. `entry` is one of test/support/mcp-*-entry.js; the child sees only `env` (and PATH).
import { join } from 'node:path';
import { Client as McpClient } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';

export interface StdioMcp {
  client: McpClient;
  /** What the server process wrote to stderr so far. */
  stderr(): string;
}

export async function connectStdioMcp(entry: string, env: Record<string, string>): Promise<StdioMcp> {
  let stderr = '';
  const transport = new StdioClientTransport({
    command: process.execPath,
    args: [join(__dirname, entry)],
    env: { PATH: process.env.PATH ?? '', ...env },
    stderr: 'pipe',
  });
  transport.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const client = new McpClient({ name: 'healer-test', version: '1.0.0' });
  await client.connect(transport);
  return { client, stderr: () => stderr };
}
