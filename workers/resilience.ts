// Worker options that decide how fast work lost with a killed worker moves on to a live one.
// - A workflow's next task goes to the sticky queue of the worker that cached it; if that worker died,
//   Temporal hands the task to the shared queue only after this timeout (the SDK's default is 10 s, a
//   pause every entity workflow a dying worker cached would take, budget and breakers included).
// - Heartbeats leave the worker at least this often, so the 10 s heartbeat timeouts of the chain's
//   activities (workflows/incident/proxies.ts, core/model/activity-options.ts) are never reached by a
//   live attempt, while a lost one is retried within them.
import type { WorkerOptions } from '@temporalio/worker';

export const WORKER_RESILIENCE: Pick<
  WorkerOptions,
  'stickyQueueScheduleToStartTimeout' | 'maxHeartbeatThrottleInterval'
> = {
  stickyQueueScheduleToStartTimeout: '2s',
  maxHeartbeatThrottleInterval: '2s',
};
