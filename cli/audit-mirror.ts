// `healer audit verify --temporal`: check the audit log's mirror in Temporal (`audit-<namespace>`), page by
// page, from any pod that reaches TEMPORAL_ADDRESS (the file itself is on the watchdog's volume).
// Exit codes as for the file: 0 the chain is intact, 1 it is broken, 2 Temporal or the mirror unavailable.
import { Client, Connection, WorkflowNotFoundError } from '@temporalio/client';
import { sha256Hex } from '../activities/watchdog/audit';
import { auditEntriesQuery, auditWorkflowId, type AuditMirrorBreak, type AuditMirrorPage } from '../core/contract';
import { verifySegment, type AuditEntry } from '../core/watchdog/audit/entry';
import type { HealerConfig } from '../runtime/config';
import type { CliIo } from './io';

/** Deadline of each Temporal call: a query needs the watchdog worker, which may be away. */
const CALL_TIMEOUT_MS = 10_000;

/** Every page of the mirror: the first (anchor, breaks) and all the entries. */
async function readMirror(
  client: Client,
  workflowId: string,
): Promise<{ first: AuditMirrorPage; entries: AuditEntry[] }> {
  const handle = client.workflow.getHandle(workflowId);
  const page = (afterSeq?: number) =>
    client.withDeadline(Date.now() + CALL_TIMEOUT_MS, () =>
      handle.query(auditEntriesQuery, afterSeq === undefined ? {} : { afterSeq }),
    );
  const first = await page();
  const entries = [...first.entries];
  for (let next = first.nextAfterSeq; next !== undefined;) {
    const more = await page(next);
    entries.push(...more.entries);
    next = more.nextAfterSeq;
  }
  return { first, entries };
}

export async function verifyAuditMirror(
  config: Pick<HealerConfig, 'temporal' | 'namespace'>,
  io: Pick<CliIo, 'stdout' | 'stderr'>,
): Promise<number> {
  const workflowId = auditWorkflowId(config.namespace);
  const where = `audit mirror ${workflowId}`;
  let connection: Connection | undefined;
  let mirror: Awaited<ReturnType<typeof readMirror>>;
  try {
    connection = await Connection.connect({ address: config.temporal.address, connectTimeout: '5s' });
    mirror = await readMirror(new Client({ connection, namespace: config.temporal.namespace }), workflowId);
  } catch (error) {
    const why =
      error instanceof WorkflowNotFoundError
        ? `no such workflow in Temporal namespace ${config.temporal.namespace} (nothing audited yet?)`
        : (error as Error).message;
    io.stderr.write(`cannot read ${where} from Temporal at ${config.temporal.address}: ${why}\n`);
    return 2;
  } finally {
    await connection?.close();
  }
  const { first, entries } = mirror;
  const verdict = verifySegment(entries, first.anchor, sha256Hex);
  // The first problem in seq order: one the mirror saw as entries arrived, or one the hashes show now.
  const problems: AuditMirrorBreak[] = [...first.breaks];
  if (!verdict.ok) problems.push({ seq: verdict.seq, reason: verdict.reason });
  const worst = problems.sort((a, b) => a.seq - b.seq)[0];
  if (!worst && verdict.ok) {
    io.stdout.write(
      `${where}: ok, ${verdict.entries} entries, chain intact (from anchor seq ${first.anchor.seq}, last hash ${verdict.lastHash.slice(0, 12)}…)\n`,
    );
    return 0;
  }
  const intact = entries.filter((e) => e.seq < worst.seq).length;
  const more = first.breakCount > 1 ? ` (${first.breakCount} problems recorded by the mirror)` : '';
  io.stdout.write(
    `${where}: BROKEN at entry ${worst.seq}: ${worst.reason}; ${intact} entries before it are intact (from anchor seq ${first.anchor.seq})${more}\n`,
  );
  return 1;
}
