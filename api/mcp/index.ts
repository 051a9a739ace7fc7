// Healer's MCP server: tools (server.ts), stdio transport (stdio.ts), streamable HTTP on the API (http.ts),
// default implementations of the optional functions (push-logs.ts, temporal-actions.ts).
export {
  createMcpServer,
  describeToolError,
  MCP_SERVER_NAME,
  MCP_SERVER_VERSION,
  type LogLabels,
  type McpDeps,
} from './server';
export { runMcpStdio, serveMcpStdio } from './stdio';
export { MCP_PATH, registerMcpRoute } from './http';
export { createPushLogs } from './push-logs';
export { createIncidentDecisions, createWatchdogReader } from './temporal-actions';
