// An LLM worker (`healer llm-worker`: startLlmWorker, the production gateway) in its own process, from
// the TypeScript sources compiled on load by swc. Configured by its environment like a deployed pod
// (GEMINI_API_KEY, GEMINI_BASE_URL, HEALER_FALLBACK_MODELS, HEALER_LOG_PATH: its own, pod-local call log),
// plus the test's isolation: HEALER_TEST_LLM_QUEUE (its task queue), HEALER_TEST_STATE_QUEUE,
// HEALER_TEST_HEALTH_ID and HEALER_TEST_BUDGET_PREFIX (the shared entity workflows). Prints `ready`.
require('./swc-register');

const { DefaultLogger, Runtime } = require('@temporalio/worker');
const { loadConfig } = require('../../runtime/config');
const { startLlmWorker } = require('../../workers/llm');

(async () => {
  Runtime.install({ logger: new DefaultLogger('WARN') });
  const config = loadConfig();
  config.modelGateway = {
    ...config.modelGateway,
    stateTaskQueue: process.env.HEALER_TEST_STATE_QUEUE,
    healthWorkflowId: process.env.HEALER_TEST_HEALTH_ID,
    budgetWorkflowPrefix: process.env.HEALER_TEST_BUDGET_PREFIX,
  };
  const running = await startLlmWorker(config, { taskQueue: process.env.HEALER_TEST_LLM_QUEUE }, () => undefined);
  process.stdout.write('ready\n');
  await running.done;
  process.exit(0);
})().catch((error) => {
  process.stderr.write(`${error.stack ?? error}\n`);
  process.exit(1);
});
