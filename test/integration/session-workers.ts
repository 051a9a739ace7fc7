// The workers of a session test on the real dev server: every Healer workflow and the real activities
// (GitHub dry run, no Kubernetes) on the session's queue, and the model gateway with no provider key
// (incidents are evaluated by the rules) on a queue of its own.
import type { Worker } from '@temporalio/worker';
import { createActivities } from '../../activities';
import { createModelActivities } from '../../activities/model';
import { loadConfig } from '../../runtime/config';
import type { HealerMetrics } from '../../runtime/metrics';
import { observeWorker } from '../../workers/observability';
import { closeTestConnections, createTestWorker, testClient, uniqueTaskQueue } from '../support/temporal';

export interface SessionWorkers {
  taskQueue: string;
  llmTaskQueue: string;
}

/**
 * Registers beforeAll/afterAll that run the workers for the whole test file; with `metrics`, the main
 * worker reports to it as production workers do (observeWorker: activity timing, workflow sinks).
 */
export function useSessionWorkers(name: string, options: { metrics?: HealerMetrics } = {}): SessionWorkers {
  const queues = { taskQueue: uniqueTaskQueue(name), llmTaskQueue: uniqueTaskQueue(`${name}-llm`) };
  const workers: Worker[] = [];
  const runs: Promise<void>[] = [];
  beforeAll(async () => {
    const config = loadConfig({ HEALER_LOG_LEVEL: 'silent', HEALER_STATE_DIR: process.env.HEALER_TEST_DIR });
    const main = { taskQueue: queues.taskQueue, activities: createActivities({ config, kube: null }) };
    workers.push(await createTestWorker(options.metrics ? observeWorker(main, options.metrics) : main));
    workers.push(
      await createTestWorker({
        taskQueue: queues.llmTaskQueue,
        activities: createModelActivities({ client: await testClient(), logDir: config.logPath }),
      }),
    );
    for (const w of workers) runs.push(w.run());
  });
  afterAll(async () => {
    for (const w of workers) w.shutdown();
    await Promise.all(runs);
    await closeTestConnections();
  });
  return queues;
}
