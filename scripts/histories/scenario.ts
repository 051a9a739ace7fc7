// What a recorded scenario is given and returns, and the waits scenarios share.
import type { Client, WorkflowHandle } from '@temporalio/client';
import type { NativeConnection, WorkerOptions } from '@temporalio/worker';

export interface Recorder {
  client: Client;
  /** For scenarios that run a worker of their own (the watchdog's). */
  connection: NativeConnection;
  /** The workflow bundle every worker of this recording runs. */
  workflowBundle: NonNullable<WorkerOptions['workflowBundle']>;
  /** Queue of the recording worker: every workflow, dry-run GitHub, no model key. */
  taskQueue: string;
  /** Unique per recording run, for workflow ids. */
  suffix: string;
  /** Scratch directory of this recording run. */
  dir: string;
}

export interface Scenario {
  /** File name under test/histories (without .json) of the main workflow recorded. */
  name: string;
  /** Runs the scenario; returns the workflow id (`id` or `id#runId`) to record, or several as [file name, id] pairs. */
  run(recorder: Recorder): Promise<string | Array<[string, string]>>;
}

export type HistoryEvent = NonNullable<Awaited<ReturnType<WorkflowHandle['fetchHistory']>>['events']>[number];

export const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Polls `read` until `accept` holds; fails naming `what` after `timeoutMs`. */
export async function waitFor<T>(
  what: string,
  read: () => Promise<T>,
  accept: (value: T) => boolean,
  timeoutMs = 60_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (accept(value)) return value;
    if (Date.now() > deadline) throw new Error(`scenario: timed out waiting for ${what}`);
    await pause(100);
  }
}

/**
 * Follows a workflow's continue-as-new chain from `runId` to the first run that ended by continuing
 * as new and whose history satisfies `holds`; returns `workflowId#runId` for recording.
 */
export async function continuedRun(
  client: Client,
  workflowId: string,
  runId: string,
  holds: (events: HistoryEvent[]) => boolean = () => true,
  timeoutMs = 120_000,
): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const handle = client.workflow.getHandle(workflowId, runId);
    const events = (await handle.fetchHistory()).events ?? [];
    const continued = events.at(-1)?.workflowExecutionContinuedAsNewEventAttributes;
    if (continued && holds(events)) return `${workflowId}#${runId}`;
    if (continued?.newExecutionRunId) {
      runId = continued.newExecutionRunId;
      continue;
    }
    const { status } = await handle.describe();
    // Continued between the two reads: the next round reads the closed history.
    if (status.name !== 'RUNNING' && status.name !== 'CONTINUED_AS_NEW')
      throw new Error(`scenario: ${workflowId} ended ${status.name} without the run sought`);
    if (Date.now() > deadline) throw new Error(`scenario: ${workflowId} did not continue as new in time`);
    await pause(250);
  }
}

/** The first run of a workflow that is running now (its id for continuedRun). */
export async function currentRunId(client: Client, workflowId: string): Promise<string> {
  return (await client.workflow.getHandle(workflowId).describe()).runId;
}
