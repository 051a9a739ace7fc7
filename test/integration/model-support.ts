// Shared set-up for the model-gateway integration tests: a fake Gemini (and, when asked, fake Anthropic and
// xAI APIs), a worker running the gateway activities and entity workflows on a unique task queue, and a
// caller workflow.
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Client } from '@temporalio/client';
import { bundleWorkflowCode, type Worker } from '@temporalio/worker';
import type { StructuredRequest, StructuredResult } from '../../core/model/request';
import { createModelActivities } from '../../activities/model';
import { DEFAULT_GATEWAY_CONFIG, type ModelGatewayConfig } from '../../core/model/gateway-config';
import { readCallLog, type CallLogEntry } from '../../activities/model/call-log';
import { startFakeGemini, type FakeGemini, type FakeGeminiOptions } from '../fakes/gemini';
import { startFakeAnthropic, type FakeAnthropic, type FakeAnthropicOptions } from '../fakes/anthropic';
import { startFakeXai, type FakeOpenAiCompatible, type FakeOpenAiCompatibleOptions } from '../fakes/openai-compatible';
import { createTestWorker, testClient, uniqueId, uniqueTaskQueue } from '../support/temporal';

let bundle: ReturnType<typeof bundleWorkflowCode> | undefined;
/** One bundle of the test workflows per test file. */
function workflowBundle(): ReturnType<typeof bundleWorkflowCode> {
  bundle ??= bundleWorkflowCode({
    workflowsPath: require.resolve('./model-workflows'),
    logger: { trace() {}, debug() {}, info() {}, warn() {}, error() {}, log() {} },
  });
  return bundle;
}

export const ANSWER_SCHEMA = {
  type: 'object',
  properties: {
    verdict: { type: 'string', enum: ['fix', 'ignore'] },
    confidence: { type: 'number', minimum: 0, maximum: 1 },
  },
  required: ['verdict', 'confidence'],
  additionalProperties: false,
};
export const GOOD_ANSWER = { verdict: 'fix', confidence: 0.9 };

export interface GatewayRig {
  fake: FakeGemini;
  anthropic?: FakeAnthropic;
  xai?: FakeOpenAiCompatible;
  client: Client;
  worker: Worker;
  taskQueue: string;
  logDir: string;
  config: ModelGatewayConfig;
  call(request?: Partial<StructuredRequest>): Promise<StructuredResult<unknown>>;
  log(): Promise<CallLogEntry[]>;
  stop(): Promise<void>;
}

export function request(overrides: Partial<StructuredRequest> = {}): StructuredRequest {
  return {
    purpose: 'evaluate',
    correlationId: uniqueId('inc'),
    system: 'You triage failures of coding agents.',
    prompt: 'R2 timeout talking to the tools server',
    responseSchema: ANSWER_SCHEMA,
    ...overrides,
  };
}

export interface RigOptions {
  fake?: FakeGeminiOptions;
  config?: Partial<ModelGatewayConfig>;
  apiKey?: string | null;
  /** Start a fake Anthropic API and configure its key (the fake's, unless anthropicKey says otherwise). */
  anthropic?: FakeAnthropicOptions;
  anthropicKey?: string;
  /** Start a fake xAI API and configure its key (the fake's, unless xaiKey says otherwise). */
  xai?: Omit<FakeOpenAiCompatibleOptions, 'flavour'>;
  xaiKey?: string;
  /** Share the entity workflows (breakers, budget) with another rig. */
  shareStateWith?: GatewayRig;
  workerOptions?: { maxTaskQueueActivitiesPerSecond?: number };
  /** Receives the gateway's warnings (missing or renamed models, an empty chain). */
  warn?: (message: string) => void;
}

export async function startGatewayRig(options: RigOptions = {}): Promise<GatewayRig> {
  const shared = options.shareStateWith;
  const fake = shared?.fake ?? (await startFakeGemini({ defaultAnswer: GOOD_ANSWER, ...options.fake }));
  const anthropic =
    shared?.anthropic ??
    (options.anthropic ? await startFakeAnthropic({ defaultAnswer: GOOD_ANSWER, ...options.anthropic }) : undefined);
  const xai =
    shared?.xai ?? (options.xai ? await startFakeXai({ defaultAnswer: GOOD_ANSWER, ...options.xai }) : undefined);
  const client = await testClient();
  const taskQueue = uniqueTaskQueue('model');
  const logDir = shared?.logDir ?? (await mkdtemp(join(tmpdir(), 'healer-model-')));
  const config: ModelGatewayConfig = {
    ...DEFAULT_GATEWAY_CONFIG,
    // Breakers and the budget run on the first rig's worker; a second rig (another "process") shares them.
    stateTaskQueue: shared?.config.stateTaskQueue ?? taskQueue,
    healthWorkflowId: shared?.config.healthWorkflowId ?? uniqueId('model-health'),
    budgetWorkflowPrefix: shared?.config.budgetWorkflowPrefix ?? `${uniqueId('budget')}-`,
    ...options.config,
    providers: {
      ...(anthropic
        ? { anthropic: { apiKey: options.anthropicKey ?? 'test-anthropic-key', baseUrl: anthropic.url } }
        : {}),
      ...(xai ? { xai: { apiKey: options.xaiKey ?? 'test-xai-key', baseUrl: xai.baseUrl } } : {}),
      ...options.config?.providers,
    },
  };
  const activities = createModelActivities({
    apiKey: options.apiKey === null ? undefined : (options.apiKey ?? 'test-key'),
    baseUrl: fake.url,
    client,
    logDir,
    config,
    warn: options.warn,
  });
  const worker = await createTestWorker({
    taskQueue,
    workflowBundle: await workflowBundle(),
    activities,
    ...options.workerOptions,
  });
  const running = worker.run();
  return {
    fake,
    anthropic,
    xai,
    client,
    worker,
    taskQueue,
    logDir,
    config,
    call: (overrides = {}) =>
      client.workflow.execute('callModel', {
        taskQueue,
        workflowId: uniqueId('call'),
        args: [
          request(overrides),
          taskQueue,
          { chainDeadlineMs: config.chainDeadlineMs, callTimeoutMs: config.callTimeoutMs },
        ],
      }) as Promise<StructuredResult<unknown>>,
    log: () => readCallLog(logDir, [new Date()]),
    async stop() {
      worker.shutdown();
      await running;
      if (!shared) await Promise.all([fake.stop(), anthropic?.stop(), xai?.stop()]);
    },
  };
}

/** For a test file: starts rigs on demand and stops them (newest first) after each test. */
export function rigsPerTest(): (...args: Parameters<typeof startGatewayRig>) => Promise<GatewayRig> {
  const rigs: GatewayRig[] = [];
  afterEach(async () => {
    await Promise.all(
      rigs
        .splice(0)
        .reverse()
        .map((r) => r.stop()),
    );
  });
  return async (...args) => {
    const started = await startGatewayRig(...args);
    rigs.push(started);
    return started;
  };
}
