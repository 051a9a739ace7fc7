// The model-gateway worker: serves generateStructured on task queue `healer-llm`, under a global
// rate limit that the Temporal server enforces for the whole queue.
import { Client, Connection } from '@temporalio/client';
import { NativeConnection, Worker, type WorkerOptions } from '@temporalio/worker';
import { createModelActivities } from '../activities/model';
import type { HealerConfig } from '../runtime/config';
import { llmWorkerOptions } from './llm-options';
import type { RunningWorker } from './main';

export async function startLlmWorker(
  config: HealerConfig,
  overrides: Partial<WorkerOptions> = {},
): Promise<RunningWorker> {
  const connection = await NativeConnection.connect({ address: config.temporal.address });
  const clientConnection = await Connection.connect({ address: config.temporal.address });
  const client = new Client({ connection: clientConnection, namespace: config.temporal.namespace });
  const worker = await Worker.create({
    connection,
    namespace: config.temporal.namespace,
    ...llmWorkerOptions({ HEALER_LLM_RATE_PER_SECOND: String(config.llmRatePerSecond) }),
    activities: createModelActivities({
      apiKey: config.gemini.apiKey,
      baseUrl: config.gemini.baseUrl,
      client,
      logDir: config.logPath,
      config: {
        ...config.modelGateway,
        dailyBudgetUsd: config.dailyBudgetUsd,
        fallbackModels: config.gemini.fallbackModels ?? config.modelGateway.fallbackModels,
      },
    }),
    shutdownGraceTime: '20s',
    ...overrides,
  });
  const done = worker.run().finally(async () => {
    await connection.close();
    await clientConnection.close();
  });
  return { worker, done };
}
