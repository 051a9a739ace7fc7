// What the session does with a detection: open an incident, forward it as evidence to the open one,
// or defer it (counted, not dropped) because the session already has its cap of open incidents.
import { incidentWorkflowId, type Detection } from '../contract';

export const DEFAULT_OPEN_INCIDENT_CAP = 5;

export interface IncidentRoutingState {
  /** fingerprint → incident id, for every incident the session has started (open or finished). */
  incidents: Record<string, { incidentId: string; open: boolean }>;
  cap?: number;
}

export type IncidentRoute =
  | { action: 'open'; incidentId: string }
  | { action: 'forward'; incidentId: string }
  | { action: 'defer'; reason: string }
  | { action: 'ignore'; reason: string };

export function routeDetection(playId: string, detection: Detection, state: IncidentRoutingState): IncidentRoute {
  const known = state.incidents[detection.fingerprint];
  if (known?.open) return { action: 'forward', incidentId: known.incidentId };
  // A finished incident for the same failure is not reopened: its issue already tells the story.
  if (known) return { action: 'ignore', reason: `incident ${known.incidentId} already finished` };
  const cap = state.cap ?? DEFAULT_OPEN_INCIDENT_CAP;
  const open = Object.values(state.incidents).filter((i) => i.open).length;
  if (open >= cap) return { action: 'defer', reason: `${open} open incidents (cap ${cap})` };
  return { action: 'open', incidentId: incidentWorkflowId(playId, detection.fingerprint) };
}
