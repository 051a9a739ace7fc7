// playSession: one long-running workflow per play session (`play-<play_id>`). It receives detections
// and agent lifecycle signals, keeps the session's state, runs each agent's pre-flight check on a
// durable timer, keeps search attributes and UI details current, and continues-as-new before its
// history grows large.
import {
  allHandlersFinished,
  condition,
  continueAsNew,
  setCurrentDetails,
  setHandler,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import type { SearchAttributeUpdatePair } from '@temporalio/common';
import type { SessionInput } from '../core/types';
import {
  applyAgentStarted,
  applyDetections,
  applyEnd,
  applyToolInventory,
  closePreflight,
  initialState,
  toView,
  type SessionState,
} from '../core/session/state';
import { preflightDetection } from '../core/session/preflight';
import { sessionCurrentDetails } from '../core/session/details';
import {
  agentStartedSignal,
  detectionsSignal,
  endSignal,
  searchAttributes,
  statusQuery,
  toolInventorySignal,
  type SessionView,
} from './messages';

export interface SessionSettings {
  /** How long an agent has to report its tool inventory after it starts. */
  preflightWindowMs?: number;
  /** Continue-as-new past this many history events even if the server has not suggested it. */
  maxHistoryEvents?: number;
}

export interface SessionRunInput {
  session: SessionInput;
  settings?: SessionSettings;
  /** State carried over by continue-as-new. */
  carried?: SessionState;
}

const DEFAULT_PREFLIGHT_WINDOW_MS = 60_000;
const DEFAULT_MAX_HISTORY_EVENTS = 10_000;

const nowIso = (): string => new Date().toISOString();

export async function playSession(run: SessionRunInput): Promise<SessionView> {
  const { session } = run;
  const settings = run.settings ?? {};
  const windowMs = settings.preflightWindowMs ?? DEFAULT_PREFLIGHT_WINDOW_MS;
  const state: SessionState = run.carried ?? initialState(session, nowIso());
  const workflowId = workflowInfo().workflowId;
  let dirty = true;

  const raise = (detection: ReturnType<typeof preflightDetection>) => {
    applyDetections(state, [detection], nowIso());
    dirty = true;
  };

  // Pre-flight: each started agent has until its deadline to report a matching inventory.
  const watchPreflight = async (agentName: string) => {
    const deadline = state.agents[agentName]?.preflightDeadline;
    if (deadline === undefined) return;
    const remaining = Math.max(0, Date.parse(deadline) - Date.parse(nowIso()));
    const reported = await condition(() => state.agents[agentName]?.reportedTools !== undefined || state.status !== 'active', remaining);
    if (state.status !== 'active') return;
    if (reported) return; // verdict already applied by the inventory handler; the rest of the window still runs below
    const { inventoryMissing } = closePreflight(state, agentName, nowIso());
    if (inventoryMissing) raise(preflightDetection(agentName, 'silent', [], nowIso()));
  };
  // After an inventory arrives the remaining checks still get the full window to fail.
  const closeAfterWindow = async (agentName: string) => {
    const deadline = state.agents[agentName]?.preflightDeadline;
    if (deadline === undefined) return;
    await condition(() => state.status !== 'active', Math.max(0, Date.parse(deadline) - Date.parse(nowIso())));
    if (state.agents[agentName]?.preflightDeadline !== undefined) {
      closePreflight(state, agentName, nowIso());
      dirty = true;
    }
  };

  setHandler(detectionsSignal, (batch) => {
    if (state.status !== 'active') return;
    const outcome = applyDetections(state, batch.detections, nowIso(), batch.batchId);
    if (!outcome.duplicateBatch) dirty = true;
  });

  setHandler(agentStartedSignal, ({ agent, at }) => {
    if (state.status !== 'active') return;
    const hadWindow = state.agents[agent]?.startedAt !== undefined;
    applyAgentStarted(state, agent, at ?? nowIso(), windowMs, nowIso());
    dirty = true;
    if (!hadWindow) void watchPreflight(agent);
  });

  setHandler(toolInventorySignal, ({ agent, tools }) => {
    if (state.status !== 'active') return;
    const missing = applyToolInventory(state, session, agent, tools, nowIso());
    if (missing.length) raise(preflightDetection(agent, 'mismatch', missing, nowIso()));
    dirty = true;
    void closeAfterWindow(agent);
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
    workflowInfo().continueAsNewSuggested || workflowInfo().historyLength > (settings.maxHistoryEvents ?? DEFAULT_MAX_HISTORY_EVENTS);

  while (state.status === 'active') {
    await condition(() => dirty || state.status !== 'active' || shouldContinueAsNew());
    if (dirty) {
      dirty = false;
      published.publish(toView(session, state, workflowId));
    }
    if (state.status === 'active' && shouldContinueAsNew()) {
      // Let in-flight handlers finish so no signal is lost, then carry everything to a fresh history.
      await condition(allHandlersFinished);
      state.continuedAsNew += 1;
      await continueAsNew<typeof playSession>({ session, settings, carried: state });
    }
  }
  await condition(allHandlersFinished);
  const final = toView(session, state, workflowId);
  published.publish(final);
  return final;
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
    if (view.maxSeverity) put('severity', { key: searchAttributes.severity, value: view.maxSeverity }, view.maxSeverity);
    put('incidents', { key: searchAttributes.incidentCount, value: view.incidents.length }, view.incidents.length);
    if (updates.length) upsertSearchAttributes(updates);
  }
}
