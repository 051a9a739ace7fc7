// Worker options that decide how fast work lost with a killed worker moves on to a live one.
// - A workflow's next task goes to the sticky queue of the worker that cached it; if that worker died,
//   Temporal hands the task (and any query) to the shared queue only after this timeout (the SDK's
//   default is 10 s, a pause every workflow a dying worker cached would take at each of its steps). A
//   worker that misses this replays from history. 1 s was tried twice: first it ran into a session
//   non-determinism after chains of hand-overs (since removed: one timer per session and log store,
//   not one per wake-up); then, clean, it saved little under the chaos suite's kills and slowed its
//   no-fault baseline by about 4 s (a live worker busy with a burst missed it and replayed), so 2 s stays.
// - Heartbeats leave the worker as often as activities beat, so the 2 s heartbeat timeouts of the chain's
//   activities (core/heartbeat-timing.ts) are never reached by a live attempt, while a lost one is
//   retried within them.
import type { WorkerOptions } from '@temporalio/worker';
import { HEARTBEAT_EVERY_MS } from '../core/heartbeat-timing';

export const WORKER_RESILIENCE: Pick<
  WorkerOptions,
  'stickyQueueScheduleToStartTimeout' | 'maxHeartbeatThrottleInterval'
> = {
  stickyQueueScheduleToStartTimeout: '2s',
  maxHeartbeatThrottleInterval: HEARTBEAT_EVERY_MS,
};
