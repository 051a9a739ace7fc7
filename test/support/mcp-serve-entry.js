// `healer mcp` from the TypeScript sources (compiled on load by jest's swc): serveMcpStdio with the
// configuration loaded from this process's environment, as the CLI does. HEALER_MCP_TASK_QUEUE isolates
// the sessions it starts from other tests.
require('./swc-register');

const { loadConfig } = require('../../runtime/config');
const { serveMcpStdio } = require('../../api/mcp/stdio');

serveMcpStdio(loadConfig(), { taskQueue: process.env.HEALER_MCP_TASK_QUEUE }).catch((error) => {
  process.stderr.write(`mcp-serve-entry: ${error.stack ?? error}\n`);
  process.exit(1);
});
