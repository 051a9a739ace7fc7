// The audit mirror (`audit-<namespace>`): entries appended through the watchdog's audit activities, each
// mirrored (one re-sent, as a retried activity would), until the mirror continues as new carrying them.
import { join } from 'node:path';
import { AuditLog, createAuditActivities } from '../../activities/watchdog/audit';
import { createAuditMirror } from '../../activities/watchdog/audit-mirror';
import { auditWorkflowId } from '../../core/contract';
import { continuedRun, currentRunId, type Scenario } from './scenario';

export const auditScenarios: Scenario[] = [
  {
    name: 'auditMirror-continue-as-new',
    async run({ client, taskQueue, suffix, dir }) {
      const namespace = `rec-audit-${suffix}`;
      const { appendAudit } = createAuditActivities({
        log: new AuditLog(join(dir, `audit-${suffix}.jsonl`)),
        mirror: createAuditMirror({ client, namespace, taskQueue }),
      });
      const append = (n: number) =>
        appendAudit({ key: `rec/${n}`, actor: 'watchdog', action: 'recorded', target: 'scanner', result: 'info' });
      await append(0);
      await append(0); // a retry: the same entry again, ignored by the mirror
      const workflowId = auditWorkflowId(namespace);
      const firstRun = await currentRunId(client, workflowId);
      // Enough entries for the server to suggest continue-as-new (at 120 events when recording).
      for (let n = 1; n <= 150; n++) await append(n);
      return continuedRun(client, workflowId, firstRun);
    },
  },
];
