// Sends each appended audit entry to `audit-<namespace>` (workflows/watchdog/audit-mirror.ts), started on
// the first entry, so the chain can be verified from any pod, not only the one whose volume holds the
// file. Re-sending is safe (the mirror ignores a seq it has), so a retried audit activity sends again.
import type { Client } from '@temporalio/client';
import { auditEntrySignal, auditWorkflowId, type AuditMirrorInput } from '../../core/contract';
import type { AuditEntry } from '../../core/watchdog/audit/entry';
import type { auditMirror } from '../../workflows/watchdog/audit-mirror';

export interface AuditMirrorDeps {
  client: Client;
  /** Healer namespace: the mirror is `audit-<namespace>`. */
  namespace: string;
  /** The watchdog worker's queue, which serves the mirror. */
  taskQueue: string;
  /** Deadline of one send (default 5 s): past it the audit activity fails and is retried. */
  timeoutMs?: number;
}

/** Mirrors one entry; resolves once the mirror has it (and every earlier entry this process failed to send). */
export type MirrorEntry = (entry: AuditEntry) => Promise<void>;

/** Entries whose send failed, re-sent first: an entry sent ahead of an earlier one would look like a gap. */
const MAX_UNSENT = 1000;

export function createAuditMirror({ client, namespace, taskQueue, timeoutMs = 5000 }: AuditMirrorDeps): MirrorEntry {
  const workflowId = auditWorkflowId(namespace);
  const unsent: AuditEntry[] = [];
  let queue: Promise<unknown> = Promise.resolve();

  const send = (entry: AuditEntry): Promise<unknown> =>
    client.withDeadline(Date.now() + timeoutMs, () =>
      client.workflow.signalWithStart<typeof auditMirror, [AuditEntry]>('auditMirror', {
        workflowId,
        taskQueue,
        args: [{ namespace } satisfies AuditMirrorInput],
        signal: auditEntrySignal,
        signalArgs: [entry],
        staticSummary: `Healer audit log of namespace ${namespace}, mirrored from the watchdog (hash-chained)`,
      }),
    );

  async function flush(entry: AuditEntry): Promise<void> {
    if (!unsent.some((e) => e.seq === entry.seq)) {
      unsent.push(entry);
      unsent.sort((a, b) => a.seq - b.seq);
      // Past the bound the oldest are given up on: the mirror then shows the gap, as it should.
      unsent.splice(0, Math.max(0, unsent.length - MAX_UNSENT));
    }
    while (unsent.length > 0) {
      await send(unsent[0]);
      unsent.shift();
    }
  }

  // One send at a time, in the order entries were appended (the file's appends are serialised the same way).
  return (entry) => {
    const sent = queue.catch(() => undefined).then(() => flush(entry));
    queue = sent;
    return sent;
  };
}
