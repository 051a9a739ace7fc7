// Worker options that decide how fast work lost with a killed worker moves on to a live one.
// - A workflow's next task goes to the sticky queue of the worker that cached it; if that worker died,
//   Temporal hands the task (and any query) to the shared queue only after this timeout (the SDK's
//   default is 10 s, a pause every workflow a dying worker cached would take at each of its steps). A
//   worker that misses this replays from history. 1 s was tried: a live worker busy replaying after a
//   restart missed it often, and the chaos suite then hit a session non-determinism (a timer id one off
//   after a chain of hand-overs), so 2 s stays until that is understood.
// - Heartbeats leave the worker at least this often (every second), so the 5 s heartbeat timeouts of the chain's
//   activities (workflows/incident/proxies.ts, core/model/activity-options.ts) are never reached by a
//   live attempt, while a lost one is retried within them.
import type { WorkerOptions } from '@temporalio/worker';

export const WORKER_RESILIENCE: Pick<
  WorkerOptions,
  'stickyQueueScheduleToStartTimeout' | 'maxHeartbeatThrottleInterval'
> = {
  stickyQueueScheduleToStartTimeout: '2s',
  maxHeartbeatThrottleInterval: '1s',
};
