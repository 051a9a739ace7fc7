// The model gateway's worker killed (SIGKILL) in the middle of a model call, as in a chaos run: the real
// gateway in its own process against the fake Gemini, the incident on the real dev server. The lost
// attempt is retried within the heartbeat timeout (not after its 150 s start-to-close timeout), and a
// chain that ran out of time because of it is an outage the incident waits out, not "no model can serve".
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { bundleWorkflowCode, type Worker } from '@temporalio/worker';
import { createContextActivities } from '../../activities/incident/context';
import { createGitHubActivities, createOctokit } from '../../activities/incident/github';
import { createNotifyActivities } from '../../activities/incident/notify';
import { createRemediationActivities } from '../../activities/incident/remediation';
import { incidentWorkflowId, type IncidentView } from '../../core/contract';
import { startFakeGemini, type FakeGemini } from '../fakes/gemini';
import { startFakeGitHub, type FakeGitHub } from '../fakes/github';
import {
  closeTestConnections,
  createTestWorker,
  eventually,
  testAddress,
  testClient,
  uniqueId,
  uniqueTaskQueue,
} from '../support/temporal';
import { startWorkerProcess, type WorkerProcess } from '../support/worker-process';
import { detection, goodEvaluation, goodPatch, REPO } from './incident-harness';

jest.setTimeout(180_000);

const MODEL = 'gemini-2.5-flash';
const noop = () => undefined;

describe('incident when the model gateway worker is killed mid-call', () => {
  const taskQueue = uniqueTaskQueue('model-outage');
  const dir = mkdtempSync(join(tmpdir(), 'healer-model-outage-'));
  let github: FakeGitHub;
  let gemini: FakeGemini;
  let worker: Worker;
  let running: Promise<void>;
  const children: WorkerProcess[] = [];

  beforeAll(async () => {
    github = await startFakeGitHub({ files: { 'src/lib.rs': 'x\n' } });
    const gh = createGitHubActivities({ octokit: createOctokit('t', github.url) });
    // The incident and the gateway's budget and breaker workflows, as the main worker serves them.
    const workflowBundle = await bundleWorkflowCode({
      workflowsPath: require.resolve('./workflows/incident-with-gateway'),
      logger: { trace: noop, debug: noop, info: noop, warn: noop, error: console.error, log: noop },
    });
    worker = await createTestWorker({
      taskQueue,
      workflowBundle,
      activities: {
        ...gh,
        ...createContextActivities({ stateDir: dir, logWindow: async () => [] }),
        ...createNotifyActivities({}),
        ...createRemediationActivities({ github: gh }),
      },
    });
    running = worker.run();
  });
  beforeEach(async () => {
    gemini = await startFakeGemini({ models: [{ id: MODEL }] });
  });
  afterEach(async () => {
    for (const child of children.splice(0)) child.kill('SIGKILL');
    await gemini.stop();
  });
  afterAll(async () => {
    worker.shutdown();
    await running;
    await github.stop();
    await closeTestConnections();
  });

  /** `healer llm-worker` in its own process (test/support/llm-worker-process-entry.js), as a supervisor restarts it. */
  async function llmWorker(llmTaskQueue: string, env: Record<string, string>): Promise<WorkerProcess> {
    const child = startWorkerProcess({
      address: testAddress(),
      taskQueue: llmTaskQueue,
      identity: uniqueId('llm'),
      bundlePath: process.env.HEALER_TEST_WORKFLOW_BUNDLE!,
      stateDir: dir,
      entry: 'llm-worker-process-entry.js',
      env: {
        GEMINI_API_KEY: 'test-key',
        GEMINI_BASE_URL: gemini.url,
        HEALER_DAILY_BUDGET_USD: '100',
        HEALER_LOG_PATH: join(dir, 'logs'),
        HEALER_TEST_LLM_QUEUE: llmTaskQueue,
        HEALER_TEST_STATE_QUEUE: taskQueue,
        HEALER_TEST_HEALTH_ID: `${llmTaskQueue}-model-health`,
        HEALER_TEST_BUDGET_PREFIX: `${llmTaskQueue}-budget-`,
        ...env,
      },
    });
    children.push(child);
    await child.said('ready');
    return child;
  }

  /** Starts an incident whose first model call hangs, kills the gateway worker in it and starts another. */
  async function killDuringTheFirstCall(env: Record<string, string>) {
    gemini.script(MODEL, { kind: 'hang' }, { kind: 'ok', answer: goodEvaluation }, { kind: 'ok', answer: goodPatch() });
    const llmTaskQueue = uniqueTaskQueue('model-outage-llm');
    const first = await llmWorker(llmTaskQueue, env);
    const d = detection();
    const playId = uniqueId('play');
    const handle = await (
      await testClient()
    ).workflow.start('incident', {
      taskQueue,
      workflowId: incidentWorkflowId(playId, d.fingerprint),
      args: [
        { playId, repository: REPO, namespace: 'cto', detection: d, llmTaskQueue, remediation: { ciPollSecs: 0.2 } },
      ],
    });
    await eventually(
      async () => gemini.generateCalls(MODEL).length,
      (n) => n === 1,
      60_000,
    );
    first.kill('SIGKILL');
    const killedAt = Date.now();
    await first.exited;
    await llmWorker(llmTaskQueue, env);
    return { handle, killedAt };
  }

  it('retries the lost model call within the heartbeat timeout, then heals with the model', async () => {
    const { handle, killedAt } = await killDuringTheFirstCall({});
    const [, retried] = await eventually(
      async () => gemini.generateCalls(MODEL),
      (calls) => calls.length >= 2,
      60_000,
    );
    const secondsToRetry = (retried.atMs - killedAt) / 1000;
    console.log(`model call lost with a SIGKILLed LLM worker: retried after ${secondsToRetry.toFixed(1)} s`);
    expect(secondsToRetry).toBeLessThan(30);
    const view = (await handle.result()) as IncidentView;
    expect(view).toMatchObject({ status: 'resolved', evaluatedBy: `model ${MODEL}`, round: 1 });
  });

  it('a chain out of time because its worker died is waited out, not "model unavailable (exhausted)"', async () => {
    // The chain deadline passes while the killed attempt waits for its heartbeat timeout.
    const { handle } = await killDuringTheFirstCall({ HEALER_MODEL_CHAIN_DEADLINE_MS: '3000' });
    const view = (await handle.result()) as IncidentView;
    expect(view).toMatchObject({ status: 'resolved', evaluatedBy: `model ${MODEL}`, round: 1 });
    expect(view.events.map((e) => e.message).join('\n')).toMatch(
      /model gateway unavailable \(no model reached: chain deadline passed\); asking again in 5 s/,
    );
    expect(view.events.map((e) => e.message).join('\n')).not.toMatch(/exhausted|evaluated by rules/);
  });
});
