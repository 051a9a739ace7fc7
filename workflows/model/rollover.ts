// When the gateway's entity workflows (budget, modelHealth) roll their history over: when Temporal
// suggests it, and (for runs started since the patch) at ENTITY_EVENTS_PER_RUN events. Every model call
// adds a few events to both; a worker that lost its cache replays the whole run, and a long run's
// replay on a busy machine can outlast the workflow task timeout, again and again.
import { patched, workflowInfo } from '@temporalio/workflow';

export const ENTITY_EVENTS_PER_RUN = 1000;

/** Call once at the start of a run; the returned predicate says when to continue as new. */
export function rolloverDue(patchId: string): () => boolean {
  const bounded = patched(patchId);
  return () =>
    workflowInfo().continueAsNewSuggested || (bounded && workflowInfo().historyLength >= ENTITY_EVENTS_PER_RUN);
}
