// Pushed lines into the session's log store (`logs-<play_id>`, workflows/session/log-store.ts), started on
// the first push: the incident of any worker reads the window around its detection from there.
import type { Client } from '@temporalio/client';
import { appendLogsSignal, logStoreWorkflowId, TASK_QUEUE, type AppendLogsSignal } from '../../core/contract';
import { splitLines, storedLines } from '../../core/session/pushed-lines';
import type { sessionLogStore } from '../../workflows/session/log-store';

export interface PushedLines {
  playId: string;
  lines: readonly string[];
  labels: { agent?: string; pod?: string; task_id?: string };
  pushedAt: string;
  /** Prefix of the append ids: a retried push (same idempotency key) is stored once. */
  idPrefix: string;
  taskQueue?: string;
}

export async function appendToLogStore(client: Client, push: PushedLines): Promise<void> {
  const parts = splitLines(storedLines(push.lines, push.labels, push.pushedAt));
  for (const [index, lines] of parts.entries())
    await client.workflow.signalWithStart<typeof sessionLogStore, [AppendLogsSignal]>('sessionLogStore', {
      workflowId: logStoreWorkflowId(push.playId),
      taskQueue: push.taskQueue ?? TASK_QUEUE,
      args: [{ playId: push.playId }],
      signal: appendLogsSignal,
      signalArgs: [{ batchId: `${push.idPrefix}-logs-${index}`, lines }],
      staticSummary: `Lines pushed to play ${push.playId} (the last 30 minutes, bounded)`,
    });
}
