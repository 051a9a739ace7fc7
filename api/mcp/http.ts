// Streamable HTTP transport for the MCP server, mounted on the Fastify API at /mcp behind the API's
// bearer token.
//
// Stateless on purpose: a fresh McpServer + transport per POST, no Mcp-Session-Id. Every tool is one
// request/response against Temporal and the server keeps no state of its own, so any API replica
// can answer any request behind a plain load balancer (no sticky sessions, nothing lost when a
// replica restarts), and there are no server-initiated notifications that would need a GET stream.
// Building the server costs a few microseconds next to a Temporal round trip.
import type { FastifyInstance } from 'fastify';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import { requireToken } from '../auth';
import { createMcpServer, type McpDeps } from './server';

export const MCP_PATH = '/mcp';

const jsonRpcError = (code: number, message: string) =>
  JSON.stringify({ jsonrpc: '2.0', error: { code, message }, id: null });

export function registerMcpRoute(app: FastifyInstance, deps: McpDeps, token: string | undefined): void {
  const guard = requireToken(token);

  app.post(MCP_PATH, { preHandler: guard }, async (request, reply) => {
    const server = createMcpServer(deps);
    const transport = new StreamableHTTPServerTransport({ sessionIdGenerator: undefined, enableJsonResponse: true });
    // The transport writes the response itself; Fastify must not send one too.
    reply.hijack();
    reply.raw.on('close', () => {
      void transport.close();
      void server.close();
    });
    try {
      await server.connect(transport);
      await transport.handleRequest(request.raw, reply.raw, request.body);
    } catch (error) {
      request.log.error({ err: error }, 'MCP request failed');
      if (!reply.raw.headersSent) reply.raw.writeHead(500, { 'content-type': 'application/json' });
      reply.raw.end(jsonRpcError(-32603, 'internal error; see the API log'));
    }
  });

  // Stateless: there is no session stream to open (GET) or session to end (DELETE).
  const notAllowed = async (_request: unknown, reply: import('fastify').FastifyReply) =>
    reply
      .code(405)
      .header('allow', 'POST')
      .type('application/json')
      .send(jsonRpcError(-32000, 'method not allowed: this MCP endpoint is stateless, use POST'));
  app.get(MCP_PATH, { preHandler: guard }, notAllowed);
  app.delete(MCP_PATH, { preHandler: guard }, notAllowed);
}
