// Runs `runMcpStdio` from the TypeScript sources for the MCP stdio test, compiled on load by the same
// swc that jest uses (no build step, no extra dependency). Env: TEMPORAL_ADDRESS, HEALER_MCP_TASK_QUEUE.
// Only the session service (composed as `healer mcp` composes it) is wired, so the test also sees how
// tools whose function is absent answer; mcp-serve-entry.js runs `healer mcp` itself.
require('./swc-register');

const { loadConfig } = require('../../runtime/config');
const { connectApi } = require('../../api/compose');
const { runMcpStdio } = require('../../api/mcp/stdio');

(async () => {
  const { client, services, close } = await connectApi(loadConfig(), { taskQueue: process.env.HEALER_MCP_TASK_QUEUE });
  await runMcpStdio({ sessions: services.sessions, client });
  await close();
})().catch((error) => {
  process.stderr.write(`mcp-stdio-entry: ${error.stack ?? error}\n`);
  process.exit(1);
});
