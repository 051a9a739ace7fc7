// Runs `runMcpStdio` from the TypeScript sources for the MCP stdio test, compiled on load by the same
// swc that jest uses (no build step, no extra dependency). Env: TEMPORAL_ADDRESS, HEALER_MCP_TASK_QUEUE.
// No optional functions are wired, so the test also sees how unwired tools answer.
const { readFileSync } = require('node:fs');
const { transformSync } = require('@swc/core');

require.extensions['.ts'] = function compileTs(module, filename) {
  const { code } = transformSync(readFileSync(filename, 'utf8'), {
    filename,
    jsc: { target: 'es2022', parser: { syntax: 'typescript' } },
    module: { type: 'commonjs' },
    sourceMaps: 'inline',
  });
  module._compile(code, filename);
};

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
