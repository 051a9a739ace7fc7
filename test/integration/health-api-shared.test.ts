// /health/api from shared state: two LLM worker processes (each with its own pod-local call log, as on
// two pods) serve one task queue against the Gemini fake; two API instances answer /health/api from the
// gateway's entity workflows in Temporal. Both APIs must report the same figures, and those figures must
// be every attempt both workers made (the fake saw them; neither pod's log alone holds them).
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Fastify, { type FastifyInstance } from 'fastify';
import { bundleWorkflowCode, type Worker } from '@temporalio/worker';
import { readCallLog } from '../../activities/model/call-log';
import { healthApiRoutes, type ApiHealthBody } from '../../api/model/health-api';
import { startFakeGemini, type FakeGemini } from '../fakes/gemini';
import {
  closeTestConnections,
  createTestWorker,
  eventually,
  testAddress,
  testClient,
  uniqueId,
  uniqueTaskQueue,
} from '../support/temporal';
import { ANSWER_SCHEMA, GOOD_ANSWER } from './model-support';

const entry = join(__dirname, '..', 'support', 'llm-worker-process-entry.js');
const stateQueue = uniqueTaskQueue('health-state');
const llmQueue = uniqueTaskQueue('health-llm');
const healthWorkflowId = uniqueId('model-health');
const budgetWorkflowPrefix = `${uniqueId('budget')}-`;
const MODEL = 'gemini-2.5-flash';

let fake: FakeGemini;
let worker: Worker;
let run: Promise<void>;
const children: ChildProcess[] = [];
const logDirs: string[] = [];
const apis: FastifyInstance[] = [];

function startLlmWorkerProcess(): Promise<ChildProcess> {
  const logDir = mkdtempSync(join(tmpdir(), 'healer-llm-pod-'));
  logDirs.push(logDir);
  const child = spawn(process.execPath, [entry], {
    env: {
      PATH: process.env.PATH,
      HOME: logDir,
      TEMPORAL_ADDRESS: testAddress(),
      GEMINI_API_KEY: 'test-key',
      GEMINI_BASE_URL: fake.url,
      HEALER_FALLBACK_MODELS: MODEL,
      HEALER_DAILY_BUDGET_USD: '100',
      HEALER_LOG_PATH: logDir,
      HEALER_STATE_DIR: logDir,
      HEALER_TEST_LLM_QUEUE: llmQueue,
      HEALER_TEST_STATE_QUEUE: stateQueue,
      HEALER_TEST_HEALTH_ID: healthWorkflowId,
      HEALER_TEST_BUDGET_PREFIX: budgetWorkflowPrefix,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  child.stderr!.on('data', (d: Buffer) => process.stderr.write(`[llm-worker ${child.pid}] ${d}`));
  return new Promise((resolve, reject) => {
    child.stdout!.on('data', (d: Buffer) => d.toString().includes('ready') && resolve(child));
    child.once('exit', (code) => reject(new Error(`llm worker exited with ${code}`)));
  });
}

async function startApi(): Promise<string> {
  const app = Fastify();
  await healthApiRoutes(app, {
    client: await testClient(),
    dailyBudgetUsd: 100,
    healthWorkflowId,
    budgetWorkflowPrefix,
    minCallsForBreach: 1,
  });
  apis.push(app);
  return app.listen({ host: '127.0.0.1', port: 0 });
}

beforeAll(async () => {
  fake = await startFakeGemini({ models: [{ id: MODEL }], defaultAnswer: GOOD_ANSWER });
  const noop = () => undefined;
  // The entity workflows (breakers, ledger) and a caller that schedules generateStructured like the chain.
  worker = await createTestWorker({
    taskQueue: stateQueue,
    workflowBundle: await bundleWorkflowCode({
      workflowsPath: require.resolve('./model-workflows'),
      logger: { trace: noop, debug: noop, info: noop, warn: noop, error: console.error, log: noop },
    }),
  });
  run = worker.run();
  await Promise.all([startLlmWorkerProcess(), startLlmWorkerProcess()]);
}, 120_000);

afterAll(async () => {
  for (const app of apis) await app.close();
  for (const child of children) child.kill('SIGTERM');
  await Promise.all(children.map((c) => new Promise((r) => (c.exitCode !== null ? r(null) : c.once('exit', r)))));
  worker?.shutdown();
  await run;
  await fake?.stop();
  await closeTestConnections();
});

test('two LLM worker processes and two API instances agree on /health/api, from Temporal', async () => {
  // Refused calls (400: the model is skipped at once, no retry) among good ones.
  fake.script(
    MODEL,
    ...Array.from({ length: 12 }, (_, i) =>
      i % 4 === 0 ? { kind: 'status' as const, status: 400, message: 'refused' } : { kind: 'ok' as const },
    ),
  );
  const client = await testClient();
  const chainDeadlineMs = 30_000;
  const callTimeoutMs = 10_000;
  const results = await Promise.all(
    Array.from({ length: 12 }, (_, i) =>
      client.workflow.execute('callModel', {
        taskQueue: stateQueue,
        workflowId: uniqueId(`call-${i}`),
        args: [
          {
            purpose: 'evaluate',
            correlationId: uniqueId('inc'),
            system: 'You triage failures of coding agents.',
            prompt: `R2 timeout ${i}`,
            responseSchema: ANSWER_SCHEMA,
          },
          llmQueue,
          { chainDeadlineMs, callTimeoutMs },
        ],
      }),
    ),
  );
  const attempts = fake.generateCalls(MODEL).length;
  expect(attempts).toBe(12);
  const failed = results.filter((r) => !(r as { ok: boolean }).ok).length;
  expect(failed).toBe(3);

  // Each pod's own log holds only its share: both worked, neither alone has every attempt.
  const perPod = await Promise.all(logDirs.map((dir) => readCallLog(dir, [new Date()])));
  const called = perPod.map((entries) => entries.filter((e) => e.outcome !== 'skipped').length);
  expect(called.reduce((a, b) => a + b, 0)).toBe(12);
  expect(called.every((n) => n > 0 && n < 12)).toBe(true);

  // Both APIs: every attempt of both workers, the same figures.
  const [first, second] = [await startApi(), await startApi()];
  const read = async (url: string) => (await (await fetch(`${url}/health/api`)).json()) as ApiHealthBody;
  const body = await eventually(
    () => read(first),
    (b) => b.failureRate['1h'].calls === 12,
  );
  expect(body.failureRate['1h']).toMatchObject({ calls: 12, failures: 3, failureRate: 0.25, breached: true });
  const other = await read(second);
  expect(other.failureRate).toEqual(body.failureRate);
  expect(other.status).toBe(body.status);
}, 120_000);
