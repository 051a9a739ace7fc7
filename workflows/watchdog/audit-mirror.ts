// auditMirror (`audit-<namespace>`): the watchdog's hash-chained audit log, held in Temporal so that
// `healer audit verify --temporal` works from any pod (the file itself lives on the watchdog's volume).
// The watchdog's audit activity sends every entry it appends (signalWithStart); a re-sent seq is ignored,
// an entry that does not chain is kept and recorded as a break (core/watchdog/audit/mirror.ts). It
// continues as new before its history grows large, carrying the newest entries and the anchor they chain from.
import { allHandlersFinished, condition, continueAsNew, setHandler, workflowInfo } from '@temporalio/workflow';
import { auditEntriesQuery, auditEntrySignal, type AuditMirrorInput } from '../../core/contract';
import { carryMirror, emptyMirror, mirrorPage, receiveEntry } from '../../core/watchdog/audit/mirror';

/** Continue as new after this many entries received in one run, even when the server has not suggested it. */
const MAX_ENTRIES_PER_RUN = 1000;
/** …or past this history size in bytes (each signal carries an entry). */
const MAX_HISTORY_BYTES = 8_000_000;

export async function auditMirror(input: AuditMirrorInput): Promise<void> {
  const state = input.carried ?? emptyMirror();
  let received = 0;

  setHandler(auditEntrySignal, (entry) => {
    receiveEntry(state, entry);
    received += 1;
  });
  setHandler(auditEntriesQuery, (request) => mirrorPage(state, request));

  await condition(
    () =>
      workflowInfo().continueAsNewSuggested ||
      received >= MAX_ENTRIES_PER_RUN ||
      workflowInfo().historySize > MAX_HISTORY_BYTES,
  );
  await condition(allHandlersFinished);
  await continueAsNew<typeof auditMirror>({ namespace: input.namespace, carried: carryMirror(state) });
}
