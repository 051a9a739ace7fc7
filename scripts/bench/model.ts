// Model-gateway benchmark against the fakes of the Gemini, Anthropic and xAI APIs on a local dev server:
//  - overhead per provider: one generateStructured call (breaker read, budget reservation + settlement
//    with the call's statistics, schema validation, call log) minus the bare SDK call (@google/genai,
//    @anthropic-ai/sdk, openai) to the same fake, p50/p99;
//  - throughput: calls/s through a rate-limited healer-llm task queue with one worker and with two
//    (the limit is the task queue's, so two workers should not exceed it).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { MockActivityEnvironment } from '@temporalio/testing';
import { bundleWorkflowCode, NativeConnection, Worker } from '@temporalio/worker';
import type { StructuredRequest, StructuredResult } from '../../core/model/request';
import { createModelActivities } from '../../activities/model';
import { DEFAULT_GATEWAY_CONFIG, type ModelGatewayConfig } from '../../core/model/gateway-config';
import { createProvider } from '../../activities/model/providers';
import type { ProviderName } from '../../core/model/providers';
import { startFakeGemini } from '../../test/fakes/gemini';
import { startFakeAnthropic } from '../../test/fakes/anthropic';
import { startFakeXai } from '../../test/fakes/openai-compatible';
import { startDevServer } from '../../runtime/dev-server';
import { summarize } from './stats';
import { WORKER_RESILIENCE } from '../../workers/resilience';

export interface BenchModelOptions {
  port?: number;
  /** Sequential calls per provider for the overhead measurement (default 200). */
  overheadCalls?: number;
  /** Calls per throughput run (default 40). */
  throughputCalls?: number;
  /** maxTaskQueueActivitiesPerSecond for the throughput runs (default 10). */
  ratePerSecond?: number;
  log?: (line: string) => void;
}

const SCHEMA = { type: 'object', properties: { verdict: { type: 'string' } }, required: ['verdict'] };
const request = (i: number): StructuredRequest => ({
  purpose: 'evaluate',
  correlationId: `bench-${i}`,
  system: 'triage',
  prompt: `failure ${i}`,
  responseSchema: SCHEMA,
});

/** Gateway call minus bare SDK call, p50 and p99. */
function overheadOf(direct: number[], through: number[]): object {
  const directMs = summarize(direct);
  const gatewayMs = summarize(through);
  return {
    directCallMs: directMs,
    gatewayCallMs: gatewayMs,
    overheadP50Ms: Math.round((gatewayMs.p50 - directMs.p50) * 100) / 100,
    overheadP99Ms: Math.round((gatewayMs.p99 - directMs.p99) * 100) / 100,
  };
}

export async function benchModel(opts: BenchModelOptions = {}): Promise<object> {
  const log = opts.log ?? ((line: string) => console.error(line));
  const overheadCalls = opts.overheadCalls ?? 200;
  const throughputCalls = opts.throughputCalls ?? 40;
  const rate = opts.ratePerSecond ?? 10;
  const dir = mkdtempSync(join(tmpdir(), 'healer-bench-model-'));
  const server = await startDevServer({ port: opts.port ?? 27243, dbFile: join(dir, 'temporal.db'), headless: true });
  const answer = { verdict: 'fix' };
  const fake = await startFakeGemini({ models: [{ id: 'gemini-2.5-flash' }], defaultAnswer: answer });
  const anthropic = await startFakeAnthropic({ models: [{ id: 'claude-haiku-4-5-20251001' }], defaultAnswer: answer });
  const xai = await startFakeXai({ models: [{ id: 'grok-4' }], defaultAnswer: answer });
  const targets: Array<{ provider: ProviderName; model: string; apiKey: string; baseUrl: string }> = [
    { provider: 'gemini', model: 'gemini-2.5-flash', apiKey: 'test-key', baseUrl: fake.url },
    { provider: 'anthropic', model: 'claude-haiku-4-5-20251001', apiKey: 'test-anthropic-key', baseUrl: anthropic.url },
    { provider: 'xai', model: 'grok-4', apiKey: 'test-xai-key', baseUrl: xai.baseUrl },
  ];
  const connection = await Connection.connect({ address: server.address });
  const client = new Client({ connection });
  const stateQueue = 'bench-model-state';
  const config: ModelGatewayConfig = {
    ...DEFAULT_GATEWAY_CONFIG,
    stateTaskQueue: stateQueue,
    dailyBudgetUsd: 1_000_000,
    healthWorkflowId: 'bench-model-health',
    budgetWorkflowPrefix: 'bench-budget-',
  };
  const workflowBundle = await bundleWorkflowCode({
    workflowsPath: require.resolve('./model-workflows'),
    logger: { trace() {}, debug() {}, info() {}, warn() {}, error() {}, log() {} },
  });
  const workers: { worker: Worker; done: Promise<void> }[] = [];
  const startWorker = async (taskQueue: string, extra: { maxTaskQueueActivitiesPerSecond?: number } = {}) => {
    const activities = createModelActivities({
      apiKey: 'test-key',
      baseUrl: fake.url,
      client,
      logDir: join(dir, 'logs'),
      config,
    });
    // A connection per worker, as two worker processes would have.
    const ownConnection = await NativeConnection.connect({ address: server.address });
    const worker = await Worker.create({
      connection: ownConnection,
      ...WORKER_RESILIENCE,
      taskQueue,
      workflowBundle,
      activities,
      shutdownGraceTime: '2s',
      ...extra,
    });
    const started = { worker, done: worker.run().finally(() => ownConnection.close()) };
    workers.push(started);
    return started;
  };
  const stopWorkers = async () => {
    for (const { worker } of workers) worker.shutdown();
    await Promise.all(workers.splice(0).map(({ done }) => done));
  };

  try {
    await startWorker(stateQueue); // runs the breaker and budget entity workflows

    // ── overhead, per provider ──
    const env = new MockActivityEnvironment();
    const perProvider: Record<string, object> = {};
    const allDirect: number[] = [];
    const allThrough: number[] = [];
    for (const target of targets) {
      log(`model: overhead over ${overheadCalls} calls to ${target.provider}`);
      const settings = { apiKey: target.apiKey, baseUrl: target.baseUrl };
      const provider = createProvider(target.provider, settings, 50);
      const gateway = createModelActivities({
        client,
        logDir: join(dir, 'logs'),
        config: {
          ...config,
          providers: { [target.provider]: settings },
          fallbackModels: [`${target.provider}:${target.model}`],
        },
      });
      const direct: number[] = [];
      const through: number[] = [];
      for (let i = 0; i < overheadCalls + 5; i += 1) {
        const t0 = performance.now();
        await provider.generate({
          model: target.model,
          system: 'triage',
          prompt: `failure ${i}`,
          responseSchema: SCHEMA,
          timeoutMs: 10_000,
        });
        const t1 = performance.now();
        const result = (await env.run(gateway.generateStructured, request(i))) as StructuredResult<unknown>;
        const t2 = performance.now();
        if (!result.ok) throw new Error(`gateway call to ${target.provider} failed: ${result.detail}`);
        if (i >= 5) {
          direct.push(t1 - t0);
          through.push(t2 - t1);
        }
      }
      allDirect.push(...direct);
      allThrough.push(...through);
      perProvider[target.provider] = overheadOf(direct, through);
    }
    const overall = overheadOf(allDirect, allThrough);

    // ── throughput under the task-queue rate limit ──
    const throughput = async (workerCount: number) => {
      const queue = `bench-healer-llm-${workerCount}-${Date.now()}`;
      for (let w = 0; w < workerCount; w += 1) await startWorker(queue, { maxTaskQueueActivitiesPerSecond: rate });
      const t0 = performance.now();
      await Promise.all(
        Array.from({ length: throughputCalls }, (_, i) =>
          client.workflow.execute('benchModelCall', {
            taskQueue: queue,
            workflowId: `${queue}-${i}`,
            args: [request(i), queue],
          }),
        ),
      );
      const seconds = (performance.now() - t0) / 1000;
      for (const started of workers.splice(1)) {
        started.worker.shutdown();
        await started.done;
      }
      return {
        workers: workerCount,
        calls: throughputCalls,
        seconds: Math.round(seconds * 100) / 100,
        callsPerSecond: Math.round((throughputCalls / seconds) * 100) / 100,
        limitPerSecond: rate,
      };
    };
    log('model: throughput, one worker');
    const one = await throughput(1);
    log('model: throughput, two workers');
    const two = await throughput(2);

    return {
      overhead: { callsPerProvider: overheadCalls, ...overall, perProvider },
      throughput: { oneWorker: one, twoWorkers: two },
      note: 'gateway call = breaker read + budget reservation/settlement (with the call statistics) + call + validation + call-log line; throughput (Gemini) is bounded by maxTaskQueueActivitiesPerSecond for the whole task queue',
    };
  } finally {
    await stopWorkers();
    await connection.close();
    await Promise.all([fake.stop(), anthropic.stop(), xai.stop()]);
    await server.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}
