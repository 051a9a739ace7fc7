// Worker options for the healer-llm worker (model calls). maxTaskQueueActivitiesPerSecond is enforced by
// the Temporal server for the whole task queue, so model calls stay under the rate however many
// workers run. One activity attempt makes one model call unless it falls through to the next model
// at once (404, open breaker), so the rate is an upper bound on backoff-paced calls.
import type { WorkerOptions } from '@temporalio/worker';
import { LLM_TASK_QUEUE } from '../core/contract';

/** `ratePerSecond`: HEALER_LLM_RATE_PER_SECOND, validated by loadConfig. */
export function llmWorkerOptions(
  ratePerSecond: number,
): Pick<WorkerOptions, 'taskQueue' | 'maxTaskQueueActivitiesPerSecond' | 'maxConcurrentActivityTaskExecutions'> {
  return {
    taskQueue: LLM_TASK_QUEUE,
    maxTaskQueueActivitiesPerSecond: ratePerSecond,
    maxConcurrentActivityTaskExecutions: 20,
  };
}
