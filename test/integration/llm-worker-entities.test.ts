// The production LLM worker (startLlmWorker) runs the gateway's entity workflows when they live on its
// task queue, as they do by default: a model call then needs no worker but the one making it.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { budgetWorkflowId } from '../../core/contract';
import { DEFAULT_GATEWAY_CONFIG } from '../../core/model/gateway-config';
import { utcDay } from '../../core/model/budget';
import { loadConfig } from '../../runtime/config';
import { startLlmWorker } from '../../workers/llm';
import type { RunningWorker } from '../../workers/workflow-source';
import { startFakeGemini, type FakeGemini } from '../fakes/gemini';
import {
  closeTestConnections,
  createTestWorker,
  testAddress,
  testClient,
  uniqueId,
  uniqueTaskQueue,
} from '../support/temporal';
import { GOOD_ANSWER, request } from './model-support';

let fake: FakeGemini;
let stateDir: string;
const running: RunningWorker[] = [];

beforeAll(async () => {
  fake = await startFakeGemini({ defaultAnswer: GOOD_ANSWER });
  stateDir = mkdtempSync(join(tmpdir(), 'healer-llm-entities-'));
});

afterAll(async () => {
  for (const r of running) r.worker.shutdown();
  await Promise.all(running.map((r) => r.done));
  await fake.stop();
  await closeTestConnections();
  rmSync(stateDir, { recursive: true, force: true });
});

test('the default state queue is the model calls’ own', () => {
  expect(DEFAULT_GATEWAY_CONFIG.stateTaskQueue).toBe('healer-llm');
});

test('an LLM worker alone answers a model call: it runs the budget and breaker entities itself', async () => {
  const llmQueue = uniqueTaskQueue('llm-hosts');
  const config = loadConfig({
    TEMPORAL_ADDRESS: testAddress(),
    HEALER_STATE_DIR: stateDir,
    HEALER_LOG_LEVEL: 'silent',
    GEMINI_API_KEY: 'test-key',
    GEMINI_BASE_URL: fake.url,
    HEALER_FALLBACK_MODELS: 'gemini-2.5-flash',
    HEALER_DAILY_BUDGET_USD: '10',
  });
  const budgetPrefix = `${uniqueId('budget')}-`;
  config.modelGateway = {
    ...config.modelGateway,
    stateTaskQueue: llmQueue,
    healthWorkflowId: uniqueId('model-health'),
    budgetWorkflowPrefix: budgetPrefix,
  };
  const bundle = process.env.HEALER_TEST_WORKFLOW_BUNDLE;
  running.push(
    await startLlmWorker(
      config,
      {
        taskQueue: llmQueue,
        ...(bundle ? { workflowsPath: undefined, workflowBundle: { codePath: bundle } } : {}),
      },
      () => undefined,
    ),
  );
  // The caller, on a queue of its own: no worker of ours polls the state queue but the LLM worker.
  const callerQueue = uniqueTaskQueue('llm-caller');
  const caller = await createTestWorker({
    taskQueue: callerQueue,
    workflowsPath: require.resolve('./model-workflows'),
  });
  const client = await testClient();
  const result = await caller.runUntil(
    client.workflow.execute('callModel', {
      taskQueue: callerQueue,
      workflowId: uniqueId('call'),
      args: [request(), llmQueue, { chainDeadlineMs: 120_000, callTimeoutMs: 30_000 }],
    }),
  );
  expect(result).toMatchObject({ ok: true, value: GOOD_ANSWER, model: 'gemini-2.5-flash' });

  const ledger = await client.workflow.getHandle(budgetWorkflowId(utcDay(new Date()), budgetPrefix)).describe();
  expect(ledger.taskQueue).toBe(llmQueue);
  expect(ledger.status.name).toBe('RUNNING');
  // Every model call waits on the ledger: a task of it lost with a killed worker moves on after 3 s, not 10.
  expect(Number(ledger.raw.executionConfig?.defaultWorkflowTaskTimeout?.seconds)).toBe(3);
}, 120_000);
