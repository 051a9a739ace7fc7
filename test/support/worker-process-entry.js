// A main worker in its own process, for the scaling test and benchmark: `startMainWorker` (the production
// worker, with its SIGTERM drain) from the TypeScript sources, compiled on load by the same swc that jest
// uses. It runs every Healer workflow from a pre-built bundle and the real activities (GitHub through
// Octokit when GITHUB_TOKEN/GITHUB_API_URL are set; no Kubernetes).
//
// Env: TEMPORAL_ADDRESS, HEALER_WORKER_TASK_QUEUE, HEALER_WORKER_IDENTITY, HEALER_TEST_WORKFLOW_BUNDLE,
// HEALER_STATE_DIR, GITHUB_TOKEN, GITHUB_API_URL.
// Stdout protocol, one word a line: `ready` once polling, `sigterm` when asked to stop, `stopped` once
// drained (then exit code 0).
require('./swc-register');

const { DefaultLogger, Runtime } = require('@temporalio/worker');
const { createActivities } = require('../../activities');
const { loadConfig } = require('../../runtime/config');
const { startMainWorker } = require('../../workers/main');

const say = (word) => process.stdout.write(`${word}\n`);

(async () => {
  Runtime.install({ logger: new DefaultLogger('WARN') });
  const taskQueue = process.env.HEALER_WORKER_TASK_QUEUE;
  const identity = process.env.HEALER_WORKER_IDENTITY;
  const bundle = process.env.HEALER_TEST_WORKFLOW_BUNDLE;
  if (!taskQueue || !identity || !bundle)
    throw new Error('HEALER_WORKER_TASK_QUEUE, HEALER_WORKER_IDENTITY and HEALER_TEST_WORKFLOW_BUNDLE are required');
  const config = loadConfig();
  // The SDK's own SIGTERM handler drains the worker; this one only tells the parent it arrived.
  process.on('SIGTERM', () => say('sigterm'));
  const running = await startMainWorker(config, {
    taskQueue,
    identity,
    workflowsPath: undefined,
    workflowBundle: { codePath: bundle },
    activities: createActivities({ config, kube: null }),
  });
  say('ready');
  await running.done;
  say('stopped');
  process.exit(0);
})().catch((error) => {
  process.stderr.write(`worker-process-entry: ${error.stack ?? error}\n`);
  process.exit(1);
});
