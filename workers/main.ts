// The main worker: polls task queue `healer` for workflows and light activities.
// Stateless: run as many as you like against the same server; each picks up whatever is scheduled.
import { NativeConnection, Worker, type WorkerOptions } from '@temporalio/worker';
import { createActivities } from '../activities';
import type { HealerConfig } from '../runtime/config';
import { workflowSource, type RunningWorker } from './workflow-source';
import { TASK_QUEUE } from '../core/contract';
import { observeWorker } from './observability';
import { WORKER_RESILIENCE } from './resilience';

export async function startMainWorker(
  config: HealerConfig,
  overrides: Partial<WorkerOptions> = {},
): Promise<RunningWorker> {
  const connection = await NativeConnection.connect({ address: config.temporal.address });
  const worker = await Worker.create(
    observeWorker({
      connection,
      namespace: config.temporal.namespace,
      taskQueue: TASK_QUEUE,
      ...workflowSource(),
      activities: createActivities({ config }),
      ...WORKER_RESILIENCE,
      // Drain in-flight activities on SIGINT/SIGTERM before exiting.
      shutdownGraceTime: '20s',
      ...overrides,
    }),
  );
  const done = worker.run().finally(() => connection.close());
  return { worker, done };
}
