// Runs `runMcpStdio` from the TypeScript sources for the MCP stdio test, compiled on load by the same
// swc that jest uses (no build step, no extra dependency). Env: TEMPORAL_ADDRESS, HEALER_MCP_TASK_QUEUE.
// No optional functions are wired, so the test also sees how unwired tools answer.
require('./swc-register');

const { loadConfig } = require('../../runtime/config');
const { connectMcpDeps, runMcpStdio } = require('../../api/mcp/stdio');

(async () => {
  const { deps, close } = await connectMcpDeps(loadConfig(), { taskQueue: process.env.HEALER_MCP_TASK_QUEUE });
  await runMcpStdio(deps);
  await close();
})().catch((error) => {
  process.stderr.write(`mcp-stdio-entry: ${error.stack ?? error}\n`);
  process.exit(1);
});
