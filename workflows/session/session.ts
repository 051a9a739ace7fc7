// playSession: one long-running workflow per play session (`play-<play_id>`). It receives detections
// and agent lifecycle signals, keeps the session's state, runs each agent's pre-flight check on a
// durable timer, keeps search attributes and UI details current, and continues-as-new before its
// history grows large.
import {
  allHandlersFinished,
  condition,
  continueAsNew,
  getExternalWorkflowHandle,
  log,
  patched,
  startChild,
  setCurrentDetails,
  setHandler,
  sleep,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import { WorkflowExecutionAlreadyStartedError, type SearchAttributeUpdatePair } from '@temporalio/common';
import { occurrencesOf, type Detection, type SessionInput } from '../../core/contract';
import {
  DEFAULT_GENERIC_ERROR_RATE,
  DEFAULT_OPEN_INCIDENT_CAP,
  routeDetection,
  type GenericErrorRate,
  type IncidentRoutingState,
} from '../../core/incident/routing';
import { GENERIC_ERROR_CODE } from '../../core/detection/catalog';
import { countRecordedDetections } from '../observability/detections';
import {
  DEFAULT_EVIDENCE_INTERVAL_MS,
  dropEvidence,
  emptyOutbox,
  hasPendingEvidence,
  msUntilEvidenceDue,
  msUntilRepeatDue,
  queueEvidence,
  takeDueEvidence,
  takeFirstEvidence,
} from '../../core/incident/evidence';
import {
  applyAgentStarted,
  applyDetections,
  applyEnd,
  applyToolInventory,
  closePreflight,
  countGenericError,
  initialState,
  openIncidentCount,
  toView,
  upsertIncident,
  type DetectionsOutcome,
  type SessionState,
} from '../../core/session/state';
import { deferFailure, takeDeferred, takeMostUrgent } from '../../core/session/deferred';
import { preflightDetection } from '../../core/session/preflight';
import { DEFAULT_UNKNOWN_POLICY } from '../../core/session/checklist';
import { PreflightEvidence } from './preflight-evidence';
import { sessionCurrentDetails } from '../../core/session/details';
import {
  agentReadySignal,
  agentStartedSignal,
  detectionsSignal,
  endSignal,
  evidenceSignal,
  incidentUpdateSignal,
  searchAttributes,
  statusQuery,
  toolInventorySignal,
  type ContextWindowSettings,
  type SessionView,
  type UnknownPolicy,
} from '../../core/contract';
import { incidentChildOptions } from '../incident/incident';

export interface SessionSettings {
  /** How long an agent has to report its tool inventory after it starts. */
  preflightWindowMs?: number;
  /** Continue-as-new past this many history events even if the server has not suggested it. */
  maxHistoryEvents?: number;
  /** Open incidents at once; detections of new failures beyond it are counted, not opened. */
  maxOpenIncidents?: number;
  /** Defaults under the session's own `remediation` settings (from cto-config.json). */
  remediationDefaults?: Record<string, unknown>;
  /** Where a person sees this session (Temporal UI), for issue bodies. */
  sessionLink?: string;
  /** Task queue of incident children (default: this session's). */
  incidentTaskQueue?: string;
  /** Task queue of the model gateway for those incidents (default `healer-llm`). */
  llmTaskQueue?: string;
  /** Repeats of a failure with an open incident are forwarded to it at most this often (default 60 s). */
  evidenceIntervalMs?: number;
  /** A generic error line (G1) opens an incident only when its fingerprint repeats this often (default 20 in 10 min). */
  genericErrorRate?: GenericErrorRate;
  /** Pre-flight items without evidence at the deadline: pass, warn (shown, not raised) or fail (raised). */
  preflightUnknownIs?: UnknownPolicy;
  /** The log window each incident gathers; when set, incidents wait for its end before gathering. */
  contextWindow?: ContextWindowSettings;
}

export interface SessionRunInput {
  session: SessionInput;
  settings?: SessionSettings;
  /** State carried over by continue-as-new. */
  carried?: SessionState;
}

const DEFAULT_PREFLIGHT_WINDOW_MS = 60_000;
/** patched() id guarding the incident children added after the first recorded histories. */
const INCIDENTS_PATCH = 'session-opens-incidents';
/** patched() id guarding the evidence outbox (before it, every batch of repeats was forwarded at once). */
const EVIDENCE_PATCH = 'session-evidence-outbox';
/** patched() id guarding the rate gate of generic errors (G1); asked only when a G1 detection is routed. */
const GENERIC_ERROR_PATCH = 'session-generic-error-rate';
/**
 * patched() id guarding deferred failures that open later (before it, a failure past the cap was only
 * counted); asked only when a failure waits for a slot or a repeat of one arrives.
 */
const DEFERRED_PATCH = 'session-deferred-incidents-open';
/**
 * patched() id guarding evidence sent on its timer: before it, each wake-up compared the clock with the
 * evidence's due time, and a workflow task retried after a timeout can see another clock on replay
 * than it saw live (a non-determinism the chaos suite found). Asked only when evidence is pending.
 */
const EVIDENCE_TIMER_PATCH = 'session-evidence-on-timer';
/**
 * patched() id guarding the evidence clock: before it, every wake-up of the main loop with evidence
 * pending started a timer and the next wake-up cancelled it. A worker that took the session over after a
 * hand-over could see two signals in two activations where replay sees them in one, so the timer ids
 * drifted apart and the session failed on replay (found by the chaos suite). Now one timer runs while a
 * repeat waits, started and ended by the evidence alone, never by how signals were batched.
 */
const EVIDENCE_CLOCK_PATCH = 'session-evidence-clock';
/**
 * patched() id guarding detections routed before continuing as new: before it, a batch that arrived while
 * the pass that decided to continue was still sending evidence was counted but never routed (the list of
 * detections to route is not carried), so its repeats never reached their incident.
 */
const ROUTE_BEFORE_CONTINUE_PATCH = 'session-routes-before-continue-as-new';
const DEFAULT_MAX_HISTORY_EVENTS = 10_000;

const nowIso = (): string => new Date().toISOString();

export async function playSession(run: SessionRunInput): Promise<SessionView> {
  const settings = run.settings ?? {};
  // The session's own policy (cto_config defaults.preflight) over the configured one, shown in its view.
  const session: SessionInput = {
    ...run.session,
    preflightUnknownIs: run.session.preflightUnknownIs ?? settings.preflightUnknownIs ?? DEFAULT_UNKNOWN_POLICY,
  };
  const windowMs = settings.preflightWindowMs ?? DEFAULT_PREFLIGHT_WINDOW_MS;
  const state: SessionState = run.carried ?? initialState(session, nowIso());
  const workflowId = workflowInfo().workflowId;
  let dirty = true;
  const evidenceClock = patched(EVIDENCE_CLOCK_PATCH);
  /** Set by the evidence clock when the earliest waiting repeat is due; the main loop sends and clears it. */
  let evidenceDue = false;

  const raise = (detection: ReturnType<typeof preflightDetection>) => {
    route(applyDetections(state, [detection], nowIso()));
    dirty = true;
  };
  const preflight = new PreflightEvidence(state, session, session.preflightUnknownIs!, raise);

  // Pre-flight: each started agent has until its deadline to report a matching inventory.
  const watchPreflight = async (agentName: string) => {
    const deadline = state.agents[agentName]?.preflightDeadline;
    if (deadline === undefined) return;
    const remaining = Math.max(0, Date.parse(deadline) - Date.parse(nowIso()));
    const reported = await condition(
      () => state.agents[agentName]?.reportedTools !== undefined || state.status !== 'active',
      remaining,
    );
    if (state.status !== 'active') return;
    if (reported) return; // verdict already applied by the inventory handler; the rest of the window still runs below
    const { inventoryMissing } = closePreflight(state, agentName, nowIso());
    if (inventoryMissing) raise(preflightDetection(agentName, 'silent', [], nowIso()));
    preflight.closed(agentName, nowIso());
  };
  // After an inventory arrives the remaining checks still get the full window to fail.
  const closeAfterWindow = async (agentName: string) => {
    const deadline = state.agents[agentName]?.preflightDeadline;
    if (deadline === undefined) return;
    await condition(() => state.status !== 'active', Math.max(0, Date.parse(deadline) - Date.parse(nowIso())));
    if (state.agents[agentName]?.preflightDeadline !== undefined) {
      closePreflight(state, agentName, nowIso());
      preflight.closed(agentName, nowIso());
      dirty = true;
    }
  };

  // Detections waiting to be routed to incidents by the main loop (starting children is async).
  const toRoute: Detection[] = [];
  const route = (outcome: DetectionsOutcome) => {
    if (!session.repository) return; // platform sessions have no repository to heal: detections are counted only
    toRoute.push(...outcome.firstSeen, ...outcome.repeats, ...outcome.genericRepeats);
    // A repeat of a failure still waiting for a slot may open it (sessions recorded before did not route these).
    if (outcome.unopenedRepeats.length && patched(DEFERRED_PATCH)) toRoute.push(...outcome.unopenedRepeats);
  };

  setHandler(detectionsSignal, (batch) => {
    if (state.status !== 'active') return;
    const outcome = applyDetections(state, batch.detections, nowIso(), batch.batchId);
    if (outcome.duplicateBatch) return;
    countRecordedDetections(batch.detections);
    route(outcome);
    preflight.detections(batch.detections, nowIso());
    dirty = true;
  });

  setHandler(incidentUpdateSignal, (summary) => {
    upsertIncident(state, summary, nowIso());
    if (summary.status !== 'open' && state.evidence) dropEvidence(state.evidence, summary.id);
    dirty = true;
  });

  setHandler(agentStartedSignal, ({ agent, at }) => {
    if (state.status !== 'active') return;
    const hadWindow = state.agents[agent]?.startedAt !== undefined;
    applyAgentStarted(state, agent, at ?? nowIso(), windowMs, nowIso());
    preflight.started(agent, at ?? nowIso());
    dirty = true;
    if (!hadWindow) void watchPreflight(agent);
  });

  setHandler(toolInventorySignal, ({ agent, tools }) => {
    if (state.status !== 'active') return;
    const missing = applyToolInventory(state, session, agent, tools, nowIso());
    if (missing.length) raise(preflightDetection(agent, 'mismatch', missing, nowIso()));
    preflight.inventory(agent, tools, nowIso());
    dirty = true;
    void closeAfterWindow(agent);
  });

  setHandler(agentReadySignal, (signal) => {
    if (state.status !== 'active') return;
    preflight.ready(signal, signal.at ?? nowIso());
    dirty = true;
  });

  setHandler(endSignal, (signal) => {
    applyEnd(state, signal, nowIso());
    dirty = true;
  });

  setHandler(statusQuery, () => toView(session, state, workflowId));

  // Windows that were open when the previous run continued-as-new keep running here.
  for (const [name, agent] of Object.entries(state.agents)) {
    if (agent.preflightDeadline === undefined) continue;
    void (agent.reportedTools === undefined ? watchPreflight(name) : closeAfterWindow(name));
  }

  const published = new Published();
  const shouldContinueAsNew = () =>
    workflowInfo().continueAsNewSuggested ||
    workflowInfo().historyLength > (settings.maxHistoryEvents ?? DEFAULT_MAX_HISTORY_EVENTS);

  const evidenceIntervalMs = settings.evidenceIntervalMs ?? DEFAULT_EVIDENCE_INTERVAL_MS;
  const nowMs = (): number => new Date().getTime();
  /**
   * Sends the evidence that may go: all of it when its timer fired or the session ends; on any other
   * wake-up only first repeats (the clock decides nothing that replay must repeat, only timer lengths).
   */
  const forwardEvidence = async (why: 'timer' | 'wake' | 'end') => {
    if (!state.evidence || !hasPendingEvidence(state.evidence)) return;
    const now = nowMs();
    const due =
      why !== 'wake'
        ? takeDueEvidence(state.evidence, now, evidenceIntervalMs, true)
        : patched(EVIDENCE_TIMER_PATCH)
          ? takeFirstEvidence(state.evidence, now)
          : takeDueEvidence(state.evidence, now, evidenceIntervalMs, false);
    await Promise.all(due.map(({ incidentId, detection }) => signalEvidence(incidentId, [detection])));
  };

  const runEvidenceClock = async (): Promise<void> => {
    const ended = () => state.status !== 'active';
    while (!ended()) {
      await condition(() => ended() || msUntilRepeatDue(state.evidence, nowMs(), evidenceIntervalMs) !== undefined);
      if (ended()) return;
      await sleep(Math.max(1, msUntilRepeatDue(state.evidence, nowMs(), evidenceIntervalMs) ?? evidenceIntervalMs));
      evidenceDue = true;
      await condition(() => ended() || !evidenceDue);
    }
  };
  if (evidenceClock) void runEvidenceClock();

  while (state.status === 'active') {
    const woken = () => dirty || toRoute.length > 0 || state.status !== 'active' || shouldContinueAsNew();
    let evidenceTimerFired = false;
    if (evidenceClock) {
      await condition(() => woken() || evidenceDue);
      evidenceTimerFired = evidenceDue;
      evidenceDue = false;
    } else {
      // Runs recorded before the evidence clock: with evidence waiting, wake up when it is due as well.
      const evidenceDueIn = state.evidence && msUntilEvidenceDue(state.evidence, nowMs(), evidenceIntervalMs);
      if (evidenceDueIn === undefined) await condition(woken);
      else if (patched(EVIDENCE_TIMER_PATCH))
        evidenceTimerFired = !(await condition(woken, Math.max(1, evidenceDueIn)));
      else if (evidenceDueIn > 0) await condition(woken, evidenceDueIn);
    }
    // Sessions started before incidents existed keep their recorded path (no children) on replay.
    if (toRoute.length && patched(INCIDENTS_PATCH)) await routeToIncidents(toRoute.splice(0), session, settings, state);
    else toRoute.length = 0;
    // An incident finished and freed a slot: the failures waiting for one open now, the most urgent first.
    if (freeSlots(state, settings) > 0 && patched(DEFERRED_PATCH)) await openDeferred(session, settings, state);
    await forwardEvidence(evidenceTimerFired ? 'timer' : 'wake');
    if (dirty) {
      dirty = false;
      published.publish(toView(session, state, workflowId));
    }
    if (state.status === 'active' && shouldContinueAsNew()) {
      // Let in-flight handlers finish so no signal is lost, then carry everything to a fresh history.
      await condition(allHandlersFinished);
      while (toRoute.length && patched(ROUTE_BEFORE_CONTINUE_PATCH)) {
        await routeToIncidents(toRoute.splice(0), session, settings, state);
        await condition(allHandlersFinished);
      }
      state.continuedAsNew += 1;
      await continueAsNew<typeof playSession>({ session, settings, carried: state });
    }
  }
  await condition(allHandlersFinished);
  await forwardEvidence('end');
  const final = toView(session, state, workflowId);
  published.publish(final);
  return final;
}

const capOf = (settings: SessionSettings): number => settings.maxOpenIncidents ?? DEFAULT_OPEN_INCIDENT_CAP;

/** Incident slots free while failures wait for one (0 when none waits). */
const freeSlots = (state: SessionState, settings: SessionSettings): number =>
  state.deferred?.length ? capOf(settings) - openIncidentCount(state) : 0;

/**
 * Opens one incident child per new failure (up to the cap), forwards repeats as evidence to the open
 * incident, and queues what is past the cap. Children outlive the session (parent-close ABANDON).
 */
async function routeToIncidents(
  detections: Detection[],
  session: SessionInput,
  settings: SessionSettings,
  state: SessionState,
): Promise<void> {
  const evidence = new Map<string, Detection[]>();
  for (const detection of detections) {
    const routing: IncidentRoutingState = { incidents: {}, cap: capOf(settings) };
    for (const i of state.incidents) routing.incidents[i.fingerprint] = { incidentId: i.id, open: i.status === 'open' };
    // Generic error lines (G1) wait for their rate. Only G1 detections ask for the patch: histories from
    // before G1 existed hold none and replay unchanged.
    if (detection.code === GENERIC_ERROR_CODE && patched(GENERIC_ERROR_PATCH)) {
      const rate = settings.genericErrorRate ?? DEFAULT_GENERIC_ERROR_RATE;
      if (!routing.incidents[detection.fingerprint]) countGenericError(state, detection, rate.windowMs);
      routing.generic = { rate, windows: state.genericErrors ?? {} };
    }
    const decision = routeDetection(session.playId, detection, routing);
    if (decision.action === 'defer') deferFailure(state, detection);
    if (decision.action === 'forward') {
      // Sessions recorded before the outbox forward every batch of repeats at once on replay.
      if (patched(EVIDENCE_PATCH)) queueEvidence((state.evidence ??= emptyOutbox()), decision.incidentId, detection);
      else evidence.set(decision.incidentId, [...(evidence.get(decision.incidentId) ?? []), detection]);
    }
    // A failure that waited for a slot opens with every occurrence seen while it waited.
    if (decision.action === 'open')
      await openIncident(takeDeferred(state, detection), session, settings, state, evidence);
  }
  for (const [incidentId, batch] of evidence) await signalEvidence(incidentId, batch);
}

/** Opens the failures that waited for a slot, the most severe and then the oldest first. */
async function openDeferred(session: SessionInput, settings: SessionSettings, state: SessionState): Promise<void> {
  const evidence = new Map<string, Detection[]>();
  for (const detection of takeMostUrgent(state, freeSlots(state, settings)))
    await openIncident(detection, session, settings, state, evidence);
  for (const [incidentId, batch] of evidence) await signalEvidence(incidentId, batch);
}

/** Starts the incident child of one failure and records it on the session. */
async function openIncident(
  detection: Detection,
  session: SessionInput,
  settings: SessionSettings,
  state: SessionState,
  evidence: Map<string, Detection[]>,
): Promise<void> {
  const options = incidentChildOptions(
    {
      playId: session.playId,
      repository: session.repository,
      namespace: session.namespace,
      ...(session.service ? { service: session.service } : {}),
      detection,
      remediation: { ...settings.remediationDefaults, ...session.remediation },
      ...(settings.sessionLink ? { sessionLink: settings.sessionLink } : {}),
      ...(settings.llmTaskQueue ? { llmTaskQueue: settings.llmTaskQueue } : {}),
      ...(settings.contextWindow ? { contextWindow: settings.contextWindow } : {}),
    },
    settings.incidentTaskQueue ?? workflowInfo().taskQueue,
  );
  try {
    await startChild('incident', options);
  } catch (error) {
    // Already running (e.g. a re-delivered detection raced a continue-as-new): it is the same incident.
    if (!(error instanceof WorkflowExecutionAlreadyStartedError)) throw error;
    evidence.set(options.workflowId, [...(evidence.get(options.workflowId) ?? []), detection]);
  }
  upsertIncident(
    state,
    {
      id: options.workflowId,
      code: detection.code,
      severity: detection.severity,
      fingerprint: detection.fingerprint,
      occurrences: occurrencesOf(detection),
      step: 'starting',
      status: 'open',
    },
    new Date().toISOString(),
  );
}

async function signalEvidence(incidentId: string, detections: Detection[]): Promise<void> {
  await getExternalWorkflowHandle(incidentId)
    .signal(evidenceSignal, { detections })
    .catch((error: Error) =>
      log.warn('evidence not delivered: incident already closed', { incidentId, error: error.message }),
    );
}

/** Keeps search attributes and UI details in step with the view, writing only what changed. */
class Published {
  private last: Record<string, string> = {};

  publish(view: SessionView): void {
    setCurrentDetails(sessionCurrentDetails(view));
    const updates: SearchAttributeUpdatePair[] = [];
    const put = <T>(name: string, pair: SearchAttributeUpdatePair, value: T) => {
      const key = JSON.stringify(value);
      if (this.last[name] === key) return;
      this.last[name] = key;
      updates.push(pair);
    };
    put('status', { key: searchAttributes.status, value: view.status }, view.status);
    put('codes', { key: searchAttributes.alertCodes, value: view.alertCodes }, view.alertCodes);
    if (view.maxSeverity)
      put('severity', { key: searchAttributes.severity, value: view.maxSeverity }, view.maxSeverity);
    put('incidents', { key: searchAttributes.incidentCount, value: view.incidents.length }, view.incidents.length);
    if (updates.length) upsertSearchAttributes(updates);
  }
}
