// Failures that arrive while the session has its cap of open incidents wait here, counted and never
// dropped unnoticed, and open as soon as a slot frees (an incident finishes) or a repeat finds one free:
// the most severe first, and among equals the oldest. Repeats while waiting fold into the waiting entry,
// so the incident that finally opens knows every occurrence.
import { occurrencesOf, SEVERITY_ORDER, type Detection } from '../contract';
import { foldRepeat } from '../detection/fold';
import type { SessionState } from './state';

/** Distinct failures kept waiting; past it the least urgent leaves the queue (its next repeat brings it back). */
export const MAX_DEFERRED = 100;

/** Most severe first, then first seen earliest, then by fingerprint (a stable order on replay). */
export function moreUrgent(a: Detection, b: Detection): number {
  const bySeverity = SEVERITY_ORDER.indexOf(a.severity) - SEVERITY_ORDER.indexOf(b.severity);
  if (bySeverity !== 0) return bySeverity;
  if (a.observedAt !== b.observedAt) return a.observedAt < b.observedAt ? -1 : 1;
  return a.fingerprint < b.fingerprint ? -1 : a.fingerprint > b.fingerprint ? 1 : 0;
}

function setQueue(state: SessionState, queue: Detection[]): void {
  state.deferred = queue;
  state.incidentsDeferred = queue.length;
}

/** Puts a failure in the queue, or folds a repeat into its waiting entry. Mutates `state`. */
export function deferFailure(state: SessionState, detection: Detection): void {
  const queue = state.deferred ?? [];
  const waiting = queue.find((entry) => entry.fingerprint === detection.fingerprint);
  if (waiting) return foldRepeat(waiting, detection);
  const entry: Detection = { ...detection, repeats: occurrencesOf(detection) };
  setQueue(state, [...queue, entry].sort(moreUrgent).slice(0, MAX_DEFERRED));
}

/**
 * Takes a failure out of the queue to open it now, folding in `detection` (its repeat that found a free
 * slot); without a waiting entry the detection itself is returned.
 */
export function takeDeferred(state: SessionState, detection: Detection): Detection {
  const queue = state.deferred ?? [];
  const waiting = queue.find((entry) => entry.fingerprint === detection.fingerprint);
  if (!waiting) return detection;
  if (waiting !== detection) foldRepeat(waiting, detection);
  setQueue(
    state,
    queue.filter((entry) => entry !== waiting),
  );
  return waiting;
}

/** Takes the most urgent waiting failures out of the queue, as many as there are free slots. */
export function takeMostUrgent(state: SessionState, freeSlots: number): Detection[] {
  const queue = state.deferred ?? [];
  if (freeSlots <= 0 || queue.length === 0) return [];
  const next = queue.slice(0, freeSlots);
  setQueue(state, queue.slice(next.length));
  return next;
}
