// What the session does with a detection: open an incident, forward it as evidence to the open one,
// defer it (counted, not dropped) because the session already has its cap of open incidents, or hold a
// generic error line (G1) that has not yet repeated often enough to deserve an incident.
import { incidentWorkflowId, occurrencesOf, type Detection } from '../contract';
import { GENERIC_ERROR_CODE } from '../detection/catalog';

export const DEFAULT_OPEN_INCIDENT_CAP = 5;

/** A generic error (G1) opens an incident once one fingerprint occurs this often within the window. */
export interface GenericErrorRate {
  occurrences: number;
  windowMs: number;
}

export const DEFAULT_GENERIC_ERROR_RATE: GenericErrorRate = { occurrences: 20, windowMs: 10 * 60_000 };

/** Occurrences of one generic fingerprint since `since` (ISO), the start of its current window. */
export interface RateWindow {
  since: string;
  count: number;
}

export interface IncidentRoutingState {
  /** fingerprint → incident id, for every incident the session has started (open or finished). */
  incidents: Record<string, { incidentId: string; open: boolean }>;
  cap?: number;
  /** Generic errors wait for their rate; without this they route like any other code. */
  generic?: { rate: GenericErrorRate; windows: Record<string, RateWindow> };
}

export type IncidentRoute =
  | { action: 'open'; incidentId: string }
  | { action: 'forward'; incidentId: string }
  | { action: 'defer'; reason: string }
  | { action: 'hold'; reason: string }
  | { action: 'ignore'; reason: string };

/**
 * Adds a detection's occurrences to its fingerprint's window. The window is fixed from its first
 * occurrence; one that has run out starts over at this detection.
 */
export function countInWindow(window: RateWindow | undefined, detection: Detection, windowMs: number): RateWindow {
  const at = detection.observedAt;
  if (window === undefined || Date.parse(at) - Date.parse(window.since) > windowMs)
    return { since: at, count: occurrencesOf(detection) };
  return { since: window.since, count: window.count + occurrencesOf(detection) };
}

export function routeDetection(playId: string, detection: Detection, state: IncidentRoutingState): IncidentRoute {
  const known = state.incidents[detection.fingerprint];
  if (known?.open) return { action: 'forward', incidentId: known.incidentId };
  // A finished incident for the same failure is not reopened: its issue already tells the story.
  if (known) return { action: 'ignore', reason: `incident ${known.incidentId} already finished` };
  // Generic errors below their rate wait; past it, only the detection that crossed it counts as deferred
  // when the cap is full (its later repeats keep waiting for a free slot).
  let crossedEarlier = false;
  if (detection.code === GENERIC_ERROR_CODE && state.generic) {
    const { rate, windows } = state.generic;
    const seen = windows[detection.fingerprint]?.count ?? 0;
    if (seen < rate.occurrences)
      return {
        action: 'hold',
        reason: `generic error seen ${seen} times; an incident opens at ${rate.occurrences} within ${rate.windowMs / 60_000} min`,
      };
    crossedEarlier = seen - occurrencesOf(detection) >= rate.occurrences;
  }
  const cap = state.cap ?? DEFAULT_OPEN_INCIDENT_CAP;
  const open = Object.values(state.incidents).filter((i) => i.open).length;
  if (open >= cap) return { action: crossedEarlier ? 'hold' : 'defer', reason: `${open} open incidents (cap ${cap})` };
  return { action: 'open', incidentId: incidentWorkflowId(playId, detection.fingerprint) };
}
