// Outages of what the healing chain runs on (the model gateway's workers and its budget and breaker
// workflows, GitHub) are waited out until the incident's deadline; they never count as "no model can
// serve" or use up a remediation round. Pure: the workflow asks, then sleeps on a durable timer.
import type { StructuredResult } from '../model/request';

/** First wait after the gateway failed for infrastructure reasons; doubles up to the cap. */
export const OUTAGE_FIRST_WAIT_MS = 5_000;
export const OUTAGE_MAX_WAIT_MS = 5 * 60_000;

/** A gateway answer that says nothing about the models: the chain ran out of time before reaching any. */
export const isInfrastructureFailure = (answer: StructuredResult<unknown>): boolean =>
  !answer.ok && answer.reason === 'exhausted' && answer.infrastructure === true;

/** How long to wait before asking again after `outagesSoFar` outages in a row (5 s, 10 s, 20 s … 5 min). */
export const outageWaitMs = (outagesSoFar: number): number =>
  Math.min(OUTAGE_MAX_WAIT_MS, OUTAGE_FIRST_WAIT_MS * 2 ** Math.min(outagesSoFar, 16));

/** The moment past which an incident stops waiting for its infrastructure (epoch ms). */
export const incidentDeadlineMs = (startedAtMs: number, deadlineSecs: number): number =>
  startedAtMs + deadlineSecs * 1000;
