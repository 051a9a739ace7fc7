// Step order: steps run in file order until one fails or the SLO runs out; after that only the
// `always` steps still to come run (revocation, leaving emergency mode). Nothing ever loops back.
import type { Playbook, PlaybookStep } from './types';

export type StepStatus = 'succeeded' | 'failed' | 'skipped';
export type PlaybookOutcome = 'succeeded' | 'failed' | 'slo_exceeded';

export interface StepRecord {
  stepId: string;
  status: StepStatus;
}

export interface RunState {
  records: StepRecord[];
  sloExceeded: boolean;
}

/** True once a step failed or the SLO ran out: from then on only `always` steps run. */
export function isHalted(state: RunState): boolean {
  return state.sloExceeded || state.records.some((r) => r.status === 'failed');
}

/** The next step to run, or undefined when the run is over. */
export function nextStep(playbook: Playbook, state: RunState): PlaybookStep | undefined {
  const done = new Set(state.records.map((r) => r.stepId));
  const halted = isHalted(state);
  return playbook.steps.find((step) => !done.has(step.id) && (!halted || step.always));
}

/** Steps that never ran because the run halted before them (recorded as skipped). */
export function skippedSteps(playbook: Playbook, state: RunState): PlaybookStep[] {
  const done = new Set(state.records.map((r) => r.stepId));
  return playbook.steps.filter((step) => !done.has(step.id));
}

export function outcomeOf(state: RunState): PlaybookOutcome {
  if (state.sloExceeded) return 'slo_exceeded';
  return state.records.some((r) => r.status === 'failed') ? 'failed' : 'succeeded';
}

/** Whether a run needs humans: any outcome but success. */
export function needsEscalation(outcome: PlaybookOutcome): boolean {
  return outcome !== 'succeeded';
}

/**
 * Scale every duration of a playbook (tests and demos run the real playbooks with short timers).
 * Timeouts keep a floor so an activity still has time to do its one call.
 */
export function scalePlaybook(playbook: Playbook, scale: number, minTimeoutMs = 1000): Playbook {
  if (scale === 1) return playbook;
  return {
    ...playbook,
    sloMs: Math.max(1, Math.round(playbook.sloMs * scale)),
    steps: playbook.steps.map((step) => ({
      ...step,
      timeoutMs: Math.max(minTimeoutMs, Math.round(step.timeoutMs * scale)),
      retry: { attempts: step.retry.attempts, intervalMs: Math.round(step.retry.intervalMs * scale) },
    })),
  };
}
