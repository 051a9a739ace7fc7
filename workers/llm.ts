// The model-gateway worker: serves generateStructured on task queue `healer-llm`, under a global
// rate limit that the Temporal server enforces for the whole queue. When the gateway's entity workflows
// (budget, breakers) live on this queue too (the default), it runs them as well: a model call then
// depends on no process but its own, and a restarted LLM worker replays just those two small
// entities. Entity runs started on `healer` by earlier versions stay with the main worker.
import { Client, Connection } from '@temporalio/client';
import { NativeConnection, Worker, type WorkerOptions } from '@temporalio/worker';
import { createModelGateway } from '../activities/model';
import type { HealerConfig } from '../runtime/config';
import { llmWorkerOptions } from './llm-options';
import { workflowSource, type RunningWorker } from './workflow-source';
import { observeWorker } from './observability';
import { WORKER_RESILIENCE } from './resilience';

export async function startLlmWorker(
  config: HealerConfig,
  overrides: Partial<WorkerOptions> = {},
  warn: (message: string) => void = (message) => process.stderr.write(`model gateway: ${message}\n`),
): Promise<RunningWorker> {
  const [connection, clientConnection] = await Promise.all([
    NativeConnection.connect({ address: config.temporal.address }),
    Connection.connect({ address: config.temporal.address }),
  ]);
  const client = new Client({ connection: clientConnection, namespace: config.temporal.namespace });
  const gateway = createModelGateway({
    apiKey: config.gemini.apiKey,
    baseUrl: config.gemini.baseUrl,
    client,
    logDir: config.logPath,
    config: config.modelGateway,
    warn,
  });
  // Resolve the chains now, so a configured model that no provider serves is reported at start; listing
  // the providers' models runs while the worker is created, not before (a restart polls sooner).
  const reported = gateway.catalog?.report();
  reported?.catch(() => undefined); // awaited below; a failure must not surface first as an unhandled rejection
  const queueOptions = llmWorkerOptions(config.llmRatePerSecond);
  const hostsEntities = config.modelGateway.stateTaskQueue === (overrides.taskQueue ?? queueOptions.taskQueue);
  const worker = await Worker.create(
    observeWorker({
      connection,
      namespace: config.temporal.namespace,
      ...queueOptions,
      activities: gateway.activities,
      ...(hostsEntities ? workflowSource() : {}),
      ...WORKER_RESILIENCE,
      shutdownGraceTime: '20s',
      ...overrides,
    }),
  );
  await reported;
  const done = worker.run().finally(async () => {
    await connection.close();
    await clientConnection.close();
  });
  return { worker, done };
}
