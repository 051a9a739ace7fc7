// Worker options for the healer-llm worker (model calls). maxTaskQueueActivitiesPerSecond is enforced by
// the Temporal server for the whole task queue, so model calls stay under the rate however many
// workers run. One activity attempt makes one model call unless it falls through to the next model
// at once (404, open breaker), so the rate is an upper bound on backoff-paced calls.
import type { WorkerOptions } from '@temporalio/worker';
import { LLM_TASK_QUEUE } from '../core/contract';

export const DEFAULT_LLM_RATE_PER_SECOND = 2;

export function llmWorkerOptions(
  env: NodeJS.ProcessEnv = process.env,
): Pick<WorkerOptions, 'taskQueue' | 'maxTaskQueueActivitiesPerSecond' | 'maxConcurrentActivityTaskExecutions'> {
  const raw = env.HEALER_LLM_RATE_PER_SECOND;
  const rate = raw === undefined || raw === '' ? DEFAULT_LLM_RATE_PER_SECOND : Number(raw);
  if (!Number.isFinite(rate) || rate <= 0)
    throw new Error(`HEALER_LLM_RATE_PER_SECOND: expected a number > 0, got "${raw}"`);
  return { taskQueue: LLM_TASK_QUEUE, maxTaskQueueActivitiesPerSecond: rate, maxConcurrentActivityTaskExecutions: 20 };
}
