// When a long-lived workflow rolls its history over: when Temporal suggests it, and (for runs started since
// its patch) at a fixed number of events. A worker that lost its cache replays the whole run, and a long
// run's replay on a busy machine can outlast the workflow task timeout, again and again: the bound keeps
// every replay well inside it.
import { patched, workflowInfo } from '@temporalio/workflow';

/** The gateway's entity workflows (budget, modelHealth): every model call adds a few events to both. */
export const ENTITY_EVENTS_PER_RUN = 1000;

/** Call once at the start of a run; the returned predicate says when to continue as new. */
export function rolloverDue(patchId: string, eventsPerRun = ENTITY_EVENTS_PER_RUN): () => boolean {
  const bounded = patched(patchId);
  return () => workflowInfo().continueAsNewSuggested || (bounded && workflowInfo().historyLength >= eventsPerRun);
}
