// The session's side of the pre-flight checklist: each signal and detection adds its evidence to the
// agent's items (core/session/checklist.ts), and what fails is raised as a detection like any other —
// items an agent reports failed, items still unknown at the deadline under policy `fail` (P1), and a
// session-blocking item failed for every agent (P0). Raising is new behaviour: behind patched().
import { patched } from '@temporalio/workflow';
import type { AgentReadySignal, Detection, PreflightChecklist, SessionInput, UnknownPolicy } from '../../core/contract';
import {
  acceptsEvidence,
  applyAgentReady,
  applyDetection,
  applyInventory,
  applySilence,
  applyStart,
  blockingDetections,
  closeItems,
  emptyPreflight,
  itemDetection,
} from '../../core/session/checklist';
import { pendingChecklist } from '../../core/session/preflight';
import type { SessionState } from '../../core/session/state';

/** patched() id of the pre-flight checklist's own detections (sessions before it raised only A10). */
export const CHECKLIST_PATCH = 'session-preflight-checklist';

export class PreflightEvidence {
  constructor(
    private readonly state: SessionState,
    private readonly session: SessionInput,
    private readonly policy: UnknownPolicy,
    private readonly raise: (detection: Detection) => void,
  ) {}

  started(agent: string, at: string): void {
    applyStart(this.checklist(agent), this.session, agent, at);
  }

  inventory(agent: string, tools: string[], at: string): void {
    const spec = this.session.agents.find((a) => a.name === agent);
    applyInventory(this.checklist(agent), spec, tools, at);
    this.raiseBlocking(at);
  }

  ready(signal: AgentReadySignal, at: string): void {
    const checklist = this.checklist(signal.agent);
    const failed = applyAgentReady(checklist, this.session, signal, at);
    if (failed.length && patched(CHECKLIST_PATCH))
      for (const item of failed) this.raise(itemDetection(signal.agent, item, checklist[item].evidence ?? '', at));
    this.raiseBlocking(at);
  }

  /** Lines of an agent's own log that decide items (L1–L4, A10–A12, tools-server errors). */
  detections(detections: readonly Detection[], at: string): void {
    let applied = false;
    for (const detection of detections) {
      const agent = detection.agent !== undefined ? this.state.agents[detection.agent] : undefined;
      if (!agent || !acceptsEvidence(agent) || detection.source === 'preflight') continue;
      applyDetection(this.checklist(detection.agent!), detection);
      applied = true;
    }
    if (applied) this.raiseBlocking(at);
  }

  /** The window closed: silence about the tools fails them; items still without evidence are unknown. */
  closed(agent: string, at: string): void {
    const checklist = this.checklist(agent);
    if (this.state.agents[agent]?.reportedTools === undefined) applySilence(checklist, at);
    const raised = closeItems(checklist, this.policy, at);
    if (raised.length && patched(CHECKLIST_PATCH))
      for (const item of raised) this.raise(itemDetection(agent, item, checklist[item].evidence ?? '', at));
    this.raiseBlocking(at);
  }

  private checklist(agent: string): PreflightChecklist {
    const runtime = (this.state.agents[agent] ??= { checklist: pendingChecklist() });
    return (runtime.preflight ??= emptyPreflight());
  }

  private raiseBlocking(at: string): void {
    const started: Record<string, PreflightChecklist | undefined> = {};
    for (const [name, agent] of Object.entries(this.state.agents))
      if (agent.startedAt !== undefined) started[name] = agent.preflight;
    const blocking = blockingDetections(started, this.state.blockingRaised ?? [], at);
    if (!blocking.length || !patched(CHECKLIST_PATCH)) return;
    for (const { item, detection } of blocking) {
      this.state.blockingRaised = [...(this.state.blockingRaised ?? []), item];
      this.raise(detection);
    }
  }
}
