// Can a human decision (approve / reject) still apply to an incident? The incident workflow's update
// validators refuse one that cannot, so a refused decision is never written to the history.
import type { IncidentSummary } from '../contract/session';

export interface GateState {
  requireApproval: boolean;
  /** The decision already taken: the first one wins. */
  decided?: 'approved' | 'rejected';
  status: IncidentSummary['status'];
  step: string;
}

/** Steps after the gate: remediation has begun or the incident is ending. */
const PAST_THE_GATE = ['remediating', 'verifying', 'resolving', 'escalating'];

/** Why a decision cannot apply now, or undefined when it can (the gate is open or still ahead). */
export function decisionRefusal(gate: GateState): string | undefined {
  if (gate.status !== 'open') return `the incident is finished (${gate.status})`;
  if (!gate.requireApproval) return 'the incident does not wait for approval (remediation.requireApproval is off)';
  if (gate.decided) return `the incident was already ${gate.decided}`;
  if (PAST_THE_GATE.includes(gate.step)) return `the incident is past the approval gate (step ${gate.step})`;
  return undefined;
}
