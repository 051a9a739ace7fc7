// The session's evidence outbox: repeats of a failure that already has an open incident are folded per
// incident and forwarded at most once per interval. The first repeat goes at once; a flood then costs
// the incident one signal per interval instead of one per batch, which keeps its history small while
// it waits (for approval, for CI) for hours.
import type { Detection } from '../contract';
import { foldRepeat } from '../detection/fold';

export const DEFAULT_EVIDENCE_INTERVAL_MS = 60_000;

export interface EvidenceOutbox {
  /** incident id → the repeats not yet forwarded, folded into one detection. */
  pending: Record<string, Detection>;
  /** incident id → when evidence was last forwarded (epoch ms). */
  lastSentAt: Record<string, number>;
}

export const emptyOutbox = (): EvidenceOutbox => ({ pending: {}, lastSentAt: {} });

export function queueEvidence(outbox: EvidenceOutbox, incidentId: string, detection: Detection): void {
  const pending = outbox.pending[incidentId];
  if (pending) foldRepeat(pending, detection);
  else outbox.pending[incidentId] = { ...detection };
}

const dueAt = (outbox: EvidenceOutbox, incidentId: string, intervalMs: number): number =>
  (outbox.lastSentAt[incidentId] ?? -Infinity) + intervalMs;

/** Removes and returns the pending evidence that may go now (all of it with `all`), marking it sent. */
export function takeDueEvidence(
  outbox: EvidenceOutbox,
  nowMs: number,
  intervalMs: number,
  all = false,
): OutgoingEvidence[] {
  return takeEvidence(outbox, nowMs, (incidentId) => all || dueAt(outbox, incidentId, intervalMs) <= nowMs);
}

/**
 * Removes and returns the pending evidence of incidents that never had any forwarded (a first repeat
 * goes at once), marking it sent. Decided from the outbox alone, never from the clock.
 */
export const takeFirstEvidence = (outbox: EvidenceOutbox, nowMs: number): OutgoingEvidence[] =>
  takeEvidence(outbox, nowMs, (incidentId) => outbox.lastSentAt[incidentId] === undefined);

type OutgoingEvidence = { incidentId: string; detection: Detection };

/** Removes the pending evidence `mayGo` accepts, marks it sent at `nowMs`, and returns it. */
function takeEvidence(
  outbox: EvidenceOutbox,
  nowMs: number,
  mayGo: (incidentId: string) => boolean,
): OutgoingEvidence[] {
  const taken: OutgoingEvidence[] = [];
  for (const [incidentId, detection] of Object.entries(outbox.pending)) {
    if (!mayGo(incidentId)) continue;
    taken.push({ incidentId, detection });
    delete outbox.pending[incidentId];
    outbox.lastSentAt[incidentId] = nowMs;
  }
  return taken;
}

export const hasPendingEvidence = (outbox: EvidenceOutbox | undefined): boolean =>
  outbox !== undefined && Object.keys(outbox.pending).length > 0;

/** Milliseconds until the first of `incidentIds`' pending evidence may go, or undefined for none. */
function msUntilFirstDue(outbox: EvidenceOutbox, incidentIds: string[], nowMs: number, intervalMs: number) {
  const waits = incidentIds.map((id) => Math.max(0, dueAt(outbox, id, intervalMs) - nowMs));
  return waits.length ? Math.min(...waits) : undefined;
}

/** Milliseconds until the next pending evidence may go, or undefined when nothing is pending. */
export const msUntilEvidenceDue = (outbox: EvidenceOutbox, nowMs: number, intervalMs: number): number | undefined =>
  msUntilFirstDue(outbox, Object.keys(outbox.pending), nowMs, intervalMs);

/** Forgets an incident that is no longer open (its evidence would be refused). */
export function dropEvidence(outbox: EvidenceOutbox, incidentId: string): void {
  delete outbox.pending[incidentId];
  delete outbox.lastSentAt[incidentId];
}

/**
 * Milliseconds until the earliest pending repeat (evidence of an incident that already had some forwarded)
 * may go, or undefined when no repeat is pending. First repeats go at once and need no wait.
 */
export const msUntilRepeatDue = (
  outbox: EvidenceOutbox | undefined,
  nowMs: number,
  intervalMs: number,
): number | undefined =>
  outbox &&
  msUntilFirstDue(
    outbox,
    Object.keys(outbox.pending).filter((id) => outbox.lastSentAt[id] !== undefined),
    nowMs,
    intervalMs,
  );
