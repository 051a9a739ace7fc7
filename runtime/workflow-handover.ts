// Hands a dead worker's workflows over to the shared task queue at once, for a supervisor that saw the
// only worker of a queue exit. Each workflow a worker has cached gets its next task on that worker's own
// (sticky) queue; when the worker is killed, those tasks wait there for the sticky timeout (2 s,
// workers/resilience.ts) before Temporal gives them to the shared queue: one wait per cached workflow at
// every kill. Knowing the worker is gone, the supervisor clears the stickiness of every running workflow
// of its queue (ResetStickyTaskQueue): their next tasks go to the shared queue, where the restarted
// worker takes them, replaying as it would anyway with an empty cache. Tasks already waiting on the
// dead queue still wait out their timeout. With several workers on a queue this would cost the live
// ones a replay each: it is for `healer dev`, which runs one worker per queue.
//
// Activity attempts lost with the worker are left to their 2 s heartbeat timeout. Failing them at once
// (RespondActivityTaskFailedById) was tried under the chaos suite: their retries then landed on the
// restarted worker together with its replays, and its workflow tasks overran their timeout (45 such in
// one run, against 2).
import type { Client } from '@temporalio/client';

export interface HandoverResult {
  /** Running workflows whose stickiness was cleared. */
  workflows: number;
  /** Calls that failed (a workflow closed meanwhile, Temporal restarting). */
  errors: number;
  ms: number;
}

/** Deadline of each call: Temporal may itself be restarting. */
const CALL_DEADLINE_MS = 2000;
/** Calls in flight at once. */
const CONCURRENCY = 16;

export async function handOverWorkflows(client: Client, taskQueue: string): Promise<HandoverResult> {
  const startedAt = Date.now();
  const { connection } = client;
  const namespace = client.options.namespace;
  const call = <T>(fn: () => Promise<T>): Promise<T> => connection.withDeadline(Date.now() + CALL_DEADLINE_MS, fn);
  const running: Array<{ workflowId: string; runId: string }> = [];
  const query = `ExecutionStatus = 'Running' AND TaskQueue = '${taskQueue.replace(/'/g, "\\'")}'`;
  await call(async () => {
    for await (const execution of client.workflow.list({ query }))
      running.push({ workflowId: execution.workflowId, runId: execution.runId });
  });
  let workflows = 0;
  let errors = 0;
  const next = running.values();
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      for (const execution of next) {
        try {
          await call(() => connection.workflowService.resetStickyTaskQueue({ namespace, execution }));
          workflows += 1;
        } catch {
          errors += 1;
        }
      }
    }),
  );
  return { workflows, errors, ms: Date.now() - startedAt };
}
