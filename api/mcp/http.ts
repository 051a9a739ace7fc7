// Streamable HTTP transport for the MCP server, mounted on the Fastify API at /mcp. The API's token
// check (api/auth.ts) admits callers with the `read` scope; each tool then checks its own scope
// against the caller's (write to start, end and push; admin for the human gate and the watchdog).
//
// Stateless on purpose: a fresh McpServer + transport per POST, no Mcp-Session-Id. Every tool is one
// request/response against Temporal and the server keeps no state of its own, so any API replica
// can answer any request behind a plain load balancer (no sticky sessions, nothing lost when a
// replica restarts), and there are no server-initiated notifications that would need a GET stream.
// Building the server costs a few microseconds next to a Temporal round trip.
import type { FastifyInstance, FastifyReply } from 'fastify';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import type { ApiScope } from '../../runtime/config';
import { createMcpServer, type McpDeps } from './server';

export const MCP_PATH = '/mcp';
const NO_SCOPES: ReadonlySet<ApiScope> = new Set();

const jsonRpcError = (code: number, message: string) =>
  JSON.stringify({ jsonrpc: '2.0', error: { code, message }, id: null });

export function registerMcpRoute(app: FastifyInstance, deps: McpDeps): void {
  app.post(MCP_PATH, async (request, reply) => {
    // One message per request (JSON-RPC batches left MCP in 2025-06-18): a batch would multiply the
    // work one request may cause past what the rate limit counts.
    if (Array.isArray(request.body) && request.body.length > 1)
      return reply
        .code(400)
        .type('application/json')
        .send(jsonRpcError(-32600, 'send one JSON-RPC message per request'));
    const server = createMcpServer({ ...deps, scopes: request.caller?.scopes ?? NO_SCOPES });
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
  const notAllowed = async (_request: unknown, reply: FastifyReply) =>
    reply
      .code(405)
      .header('allow', 'POST')
      .type('application/json')
      .send(jsonRpcError(-32000, 'method not allowed: this MCP endpoint is stateless, use POST'));
  app.get(MCP_PATH, notAllowed);
  app.delete(MCP_PATH, notAllowed);
}
