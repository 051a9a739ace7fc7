// The playSession state and the pure reducer that applies signals to it. The workflow owns one
// SessionState, calls these functions from its handlers and carries the state across continue-as-new.
import { SEVERITY_ORDER, occurrencesOf, type Detection, type SessionInput, type Severity } from '../contract';
import type {
  AgentView,
  EndSignal,
  FingerprintView,
  IncidentSummary,
  PreflightChecklist,
  SessionView,
} from '../contract';
import type { EvidenceOutbox } from '../incident/evidence';
import { countInWindow, type RateWindow } from '../incident/routing';
import { GENERIC_ERROR_CODE } from '../detection/catalog';
import { checklistItemFor, closeChecklist, missingTools, pendingChecklist, type Checklist } from './preflight';
import { EvictionQueue } from './eviction-order';
import { copyPreflight, summarise } from './checklist';

/** Distinct failures kept in detail; older ones are evicted (still counted in totals). */
export const MAX_TRACKED_FINGERPRINTS = 500;
/** Batch ids remembered to drop a re-delivered batch. */
export const MAX_REMEMBERED_BATCHES = 512;
/** Longest line kept per fingerprint sample. */
export const MAX_SAMPLE_LINE = 500;

export interface AgentRuntime {
  startedAt?: string;
  /** When the pre-flight window closes (ISO); absent once closed. */
  preflightDeadline?: string;
  reportedTools?: string[];
  missingTools?: string[];
  checklist: Checklist;
  /** The full checklist with evidence (core/session/checklist.ts); absent in sessions started before it. */
  preflight?: PreflightChecklist;
}

export interface SessionState {
  status: SessionView['status'];
  startedAt: string;
  updatedAt: string;
  endedAt?: string;
  endReason?: string;
  agents: Record<string, AgentRuntime>;
  totals: { total: number; unique: number; byCode: Record<string, number> };
  fingerprints: Record<string, FingerprintView>;
  alertCodes: string[];
  maxSeverity?: Severity;
  incidents: IncidentSummary[];
  /** Distinct failures waiting for a free incident slot (the length of `deferred`). */
  incidentsDeferred: number;
  /** Those failures, most urgent first (see ./deferred.ts); absent until the first one. */
  deferred?: Detection[];
  recentBatchIds: string[];
  continuedAsNew: number;
  /** Repeats waiting to be forwarded to their open incidents (absent until the first one). */
  evidence?: EvidenceOutbox;
  /** Generic errors (G1) without an incident: occurrences per fingerprint in its rate window. */
  genericErrors?: Record<string, RateWindow>;
  /** Session-blocking pre-flight items already raised as P0 (each once). */
  blockingRaised?: string[];
}

export function initialState(input: SessionInput, now: string): SessionState {
  const agents: Record<string, AgentRuntime> = {};
  for (const agent of input.agents) agents[agent.name] = { checklist: pendingChecklist() };
  return {
    status: 'active',
    startedAt: now,
    updatedAt: now,
    agents,
    totals: { total: 0, unique: 0, byCode: {} },
    fingerprints: {},
    alertCodes: [],
    incidents: [],
    incidentsDeferred: 0,
    recentBatchIds: [],
    continuedAsNew: 0,
  };
}

export function moreSevere(a: Severity | undefined, b: Severity): Severity {
  if (a === undefined) return b;
  return SEVERITY_ORDER.indexOf(b) < SEVERITY_ORDER.indexOf(a) ? b : a;
}

function agentRuntime(state: SessionState, name: string): AgentRuntime {
  state.agents[name] ??= { checklist: pendingChecklist() };
  return state.agents[name];
}

function inPreflightWindow(agent: AgentRuntime | undefined, at: string): boolean {
  return agent?.preflightDeadline !== undefined && at <= agent.preflightDeadline;
}

/** Stops tracking a fingerprint (still counted in totals); the queue picks which (incidents keep their entry). */
function evictOldestFingerprint(state: SessionState, queue: EvictionQueue): boolean {
  const oldest = queue.oldest(state.fingerprints);
  if (!oldest) return false;
  delete state.fingerprints[oldest.fingerprint];
  delete state.genericErrors?.[oldest.fingerprint];
  return true;
}

export interface DetectionsOutcome {
  /** First occurrence of a fingerprint in this session (candidates for a new incident). */
  firstSeen: Detection[];
  /** Repeats of fingerprints that already have an incident (forwarded as evidence). */
  repeats: Detection[];
  /** Repeats of generic errors (G1) with no incident yet: they count toward its incident rate. */
  genericRepeats: Detection[];
  /** Repeats of other failures with no incident yet (deferred past the cap): routed again, to open when a slot is free. */
  unopenedRepeats: Detection[];
  /** True when the batch id was seen before and nothing was applied. */
  duplicateBatch: boolean;
}

/** Applies a batch of detections: counts, dedup by fingerprint, pre-flight marking. Mutates `state`. */
export function applyDetections(
  state: SessionState,
  detections: Detection[],
  now: string,
  batchId?: string,
): DetectionsOutcome {
  if (batchId !== undefined) {
    if (state.recentBatchIds.includes(batchId))
      return { firstSeen: [], repeats: [], genericRepeats: [], unopenedRepeats: [], duplicateBatch: true };
    state.recentBatchIds.push(batchId);
    if (state.recentBatchIds.length > MAX_REMEMBERED_BATCHES) state.recentBatchIds.shift();
  }
  const firstSeen: Detection[] = [];
  const repeats: Detection[] = [];
  const genericRepeats: Detection[] = [];
  const unopenedRepeats: Detection[] = [];
  let tracked = Object.keys(state.fingerprints).length;
  let evictions: EvictionQueue | undefined; // built on the first eviction of this batch
  for (const original of detections) {
    const agent = original.agent !== undefined ? state.agents[original.agent] : undefined;
    const item = checklistItemFor(original.code);
    const preflight = original.preflight ?? (item !== undefined && inPreflightWindow(agent, original.observedAt));
    const detection: Detection = preflight ? { ...original, preflight: true } : original;
    if (preflight && agent && item) agent.checklist[item] = 'fail';

    const occurrences = occurrencesOf(detection);
    const lastObservedAt = detection.lastObservedAt ?? detection.observedAt;
    state.totals.total += occurrences;
    state.totals.byCode[detection.code] = (state.totals.byCode[detection.code] ?? 0) + occurrences;
    if (!state.alertCodes.includes(detection.code)) state.alertCodes = [...state.alertCodes, detection.code].sort();
    state.maxSeverity = moreSevere(state.maxSeverity, detection.severity);

    const known = state.fingerprints[detection.fingerprint];
    if (known) {
      known.count += occurrences;
      known.lastSeen = lastObservedAt > known.lastSeen ? lastObservedAt : known.lastSeen;
      if (known.incidentId) repeats.push(detection);
      else if (detection.code === GENERIC_ERROR_CODE) genericRepeats.push(detection);
      else unopenedRepeats.push(detection);
      continue;
    }
    state.totals.unique += 1;
    if (tracked >= MAX_TRACKED_FINGERPRINTS) {
      evictions ??= new EvictionQueue(state.fingerprints);
      if (evictOldestFingerprint(state, evictions)) tracked -= 1;
    }
    const view: FingerprintView = {
      fingerprint: detection.fingerprint,
      code: detection.code,
      severity: detection.severity,
      count: occurrences,
      firstSeen: detection.observedAt,
      lastSeen: lastObservedAt,
      line: detection.line.slice(0, MAX_SAMPLE_LINE),
      ...(detection.agent !== undefined ? { agent: detection.agent } : {}),
      ...(detection.taskId !== undefined ? { taskId: detection.taskId } : {}),
    };
    state.fingerprints[detection.fingerprint] = view;
    tracked += 1;
    evictions?.added(view);
    firstSeen.push(detection);
  }
  state.updatedAt = now;
  return { firstSeen, repeats, genericRepeats, unopenedRepeats, duplicateBatch: false };
}

/** Records an agent start and opens its pre-flight window. A repeated start keeps the first window. */
export function applyAgentStarted(
  state: SessionState,
  agentName: string,
  at: string,
  windowMs: number,
  now: string,
): AgentRuntime {
  const agent = agentRuntime(state, agentName);
  if (agent.startedAt === undefined) {
    agent.startedAt = at;
    if (agent.reportedTools === undefined) agent.preflightDeadline = new Date(Date.parse(at) + windowMs).toISOString();
  }
  state.updatedAt = now;
  return agent;
}

/** Compares a reported inventory with the declared tools; returns the missing names. */
export function applyToolInventory(
  state: SessionState,
  input: SessionInput,
  agentName: string,
  tools: string[],
  now: string,
): string[] {
  const agent = agentRuntime(state, agentName);
  const expected = input.agents.find((a) => a.name === agentName)?.expectedTools ?? [];
  const missing = missingTools(expected, tools);
  agent.reportedTools = [...new Set(tools)].sort();
  agent.missingTools = missing;
  agent.checklist.mcpTools = missing.length === 0 ? 'pass' : 'fail';
  state.updatedAt = now;
  return missing;
}

/** The window closed: pending checks pass, and silence about the inventory is a failure. */
export function closePreflight(state: SessionState, agentName: string, now: string): { inventoryMissing: boolean } {
  const agent = agentRuntime(state, agentName);
  const inventoryMissing = agent.reportedTools === undefined;
  if (inventoryMissing) agent.checklist.mcpTools = 'fail';
  agent.checklist = closeChecklist(agent.checklist);
  delete agent.preflightDeadline;
  state.updatedAt = now;
  return { inventoryMissing };
}

export function applyEnd(state: SessionState, signal: EndSignal, now: string): void {
  if (state.status !== 'active') return;
  state.status = signal.status ?? 'completed';
  if (signal.reason !== undefined) state.endReason = signal.reason;
  state.endedAt = now;
  state.updatedAt = now;
}

/** Adds or replaces an incident summary (matched by id) and links it to its fingerprint. */
export function upsertIncident(state: SessionState, incident: IncidentSummary, now: string): void {
  const index = state.incidents.findIndex((i) => i.id === incident.id);
  if (index >= 0) state.incidents[index] = incident;
  else state.incidents.push(incident);
  const fp = state.fingerprints[incident.fingerprint];
  if (fp) fp.incidentId = incident.id;
  delete state.genericErrors?.[incident.fingerprint]; // its repeats now go to the incident
  state.updatedAt = now;
}

/** Counts a generic error (G1) toward its fingerprint's incident rate. Mutates `state`. */
export function countGenericError(state: SessionState, detection: Detection, windowMs: number): void {
  if (!state.fingerprints[detection.fingerprint]) return; // evicted: nothing left to escalate
  const windows = (state.genericErrors ??= {});
  windows[detection.fingerprint] = countInWindow(windows[detection.fingerprint], detection, windowMs);
}

export const openIncidentCount = (state: SessionState): number =>
  state.incidents.filter((i) => i.status === 'open').length;

/** Most recent distinct failures first. */
export function recentFingerprints(state: SessionState, limit = 50): FingerprintView[] {
  return Object.values(state.fingerprints)
    .sort((a, b) => (a.lastSeen < b.lastSeen ? 1 : a.lastSeen > b.lastSeen ? -1 : 0))
    .slice(0, limit);
}

export function toView(input: SessionInput, state: SessionState, workflowId: string): SessionView {
  const agents: AgentView[] = Object.entries(state.agents).map(([name, rt]) => ({
    name,
    expectedTools: input.agents.find((a) => a.name === name)?.expectedTools ?? [],
    ...(rt.startedAt !== undefined ? { startedAt: rt.startedAt } : {}),
    ...(rt.reportedTools !== undefined ? { reportedTools: rt.reportedTools } : {}),
    ...(rt.missingTools !== undefined ? { missingTools: rt.missingTools } : {}),
    checklist: rt.preflight ? summarise(rt.preflight) : { ...rt.checklist },
    ...(rt.preflight ? { preflight: copyPreflight(rt.preflight) } : {}),
  }));
  return {
    playId: input.playId,
    workflowId,
    repository: input.repository,
    ...(input.service !== undefined ? { service: input.service } : {}),
    namespace: input.namespace,
    status: state.status,
    startedAt: state.startedAt,
    updatedAt: state.updatedAt,
    ...(state.endedAt !== undefined ? { endedAt: state.endedAt } : {}),
    ...(state.endReason !== undefined ? { endReason: state.endReason } : {}),
    agents,
    tasks: input.tasks,
    detections: { total: state.totals.total, unique: state.totals.unique, byCode: { ...state.totals.byCode } },
    fingerprints: recentFingerprints(state),
    alertCodes: [...state.alertCodes],
    ...(state.maxSeverity !== undefined ? { maxSeverity: state.maxSeverity } : {}),
    incidents: state.incidents.map((i) => ({ ...i })),
    incidentsDeferred: state.incidentsDeferred,
    continuedAsNew: state.continuedAsNew,
    ...(input.preflightUnknownIs ? { preflightUnknownIs: input.preflightUnknownIs } : {}),
    ...(input.configWarnings?.length ? { configWarnings: [...input.configWarnings] } : {}),
  };
}
