// When a long-lived workflow rolls its history over: when Temporal suggests it, and (for runs started since
// its patch) at a fixed number of events. A worker that lost its cache replays the whole run, and a long
// run's replay on a busy machine can outlast the workflow task timeout, again and again: the bound keeps
// every replay well inside it.
import { patched, workflowInfo } from '@temporalio/workflow';

/**
 * The gateway's entity workflows (budget, modelHealth): every model call adds a few events to them and
 * waits on them, and a restarted LLM worker replays them before any call goes on. Replay costs about
 * 2 ms an event on a busy two-core machine: 1 s at the first bound (1000), 0.4 s at this one.
 */
const ENTITY_EVENTS_PER_RUN = 200;
/** The bound of entity runs started before SHORT_ENTITY_RUNS_PATCH. */
const ENTITY_EVENTS_PER_RUN_BEFORE = 1000;
const SHORT_ENTITY_RUNS_PATCH = 'entity-short-runs';

/** Call once at the start of a run; the returned predicate says when to continue as new. */
export function rolloverDue(patchId: string, eventsPerRun: number): () => boolean {
  const bounded = patched(patchId);
  return () => workflowInfo().continueAsNewSuggested || (bounded && workflowInfo().historyLength >= eventsPerRun);
}

/** rolloverDue for an entity workflow: ENTITY_EVENTS_PER_RUN, or the earlier bound for a run started before it. */
export function entityRolloverDue(patchId: string): () => boolean {
  const short = patched(SHORT_ENTITY_RUNS_PATCH);
  return rolloverDue(patchId, short ? ENTITY_EVENTS_PER_RUN : ENTITY_EVENTS_PER_RUN_BEFORE);
}
