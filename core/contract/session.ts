// The playSession workflow's messages and its view (workflow id `play-<play_id>`).
import { defineQuery, defineSignal } from '@temporalio/workflow';
import type { Detection, SessionInput, SessionStatus, Severity } from './types';

export interface DetectionBatch {
  /** Set by the sender so a batch re-delivered after a crash is applied once. */
  batchId?: string;
  detections: Detection[];
}
export interface AgentStartedSignal {
  agent: string;
  at?: string;
  pod?: string;
}
export interface ToolInventorySignal {
  agent: string;
  tools: string[];
}
/** The pre-flight checklist of the Healer skill: four prompt items, four MCP-tool items. */
export const PREFLIGHT_ITEMS = [
  'agentType',
  'roleMatchesTask',
  'templateLoaded',
  'languageContext',
  'ctoConfigLoaded',
  'remoteTools',
  'localServers',
  'toolsServer',
] as const;
export type PreflightItem = (typeof PREFLIGHT_ITEMS)[number];
/** An agent's own verdict on one item: true / false, or with what it saw (`{ok: false, detail: "…"}`). */
export type AgentCheck = boolean | { ok: boolean; detail?: string };
/**
 * Optional: an agent (or its launcher) reports its own pre-flight checks. Every field but `agent` may be
 * left out; an item it does not report is decided from the agent's log lines and tool inventory.
 */
export interface AgentReadySignal {
  agent: string;
  at?: string;
  /** The task the agent took: its role matches when the task's agent_hint names this agent. */
  taskId?: string;
  checks?: Partial<Record<PreflightItem, AgentCheck>>;
}
export interface EndSignal {
  status?: Exclude<SessionStatus, 'active'>;
  reason?: string;
}

export const detectionsSignal = defineSignal<[DetectionBatch]>('detections');
export const agentStartedSignal = defineSignal<[AgentStartedSignal]>('agentStarted');
export const toolInventorySignal = defineSignal<[ToolInventorySignal]>('toolInventory');
export const endSignal = defineSignal<[EndSignal]>('end');
export const agentReadySignal = defineSignal<[AgentReadySignal]>('agentReady');

/** `unknown`: the pre-flight window closed with no evidence either way (HEALER_PREFLIGHT_UNKNOWN_IS decides). */
export type CheckState = 'pending' | 'pass' | 'fail' | 'unknown';
/** What happens to an item still without evidence when the window closes. */
export type UnknownPolicy = 'pass' | 'warn' | 'fail';
/** One checklist item: its state and the evidence it was decided on (a log line, a signal). */
export interface PreflightCheck {
  state: CheckState;
  evidence?: string;
  at?: string;
}
export type PreflightChecklist = Record<PreflightItem, PreflightCheck>;
export interface AgentView {
  name: string;
  expectedTools: string[];
  startedAt?: string;
  reportedTools?: string[];
  missingTools?: string[];
  /** Pre-flight summary: prompts, config, MCP tools, tools-server (the worst state of their items). */
  checklist: { prompts: CheckState; config: CheckState; mcpTools: CheckState; toolsServer: CheckState };
  /** The full checklist with evidence (sessions started before it existed have none). */
  preflight?: PreflightChecklist;
}

export interface FingerprintView {
  fingerprint: string;
  code: string;
  severity: Severity;
  count: number;
  firstSeen: string;
  lastSeen: string;
  line: string;
  agent?: string;
  taskId?: string;
  incidentId?: string;
}

export interface IncidentSummary {
  id: string;
  code: string;
  severity: Severity;
  fingerprint: string;
  occurrences: number;
  step: string;
  /** `linked`: shares its root cause with another open incident, whose issue tracks the fix. */
  status: 'open' | 'resolved' | 'escalated' | 'rejected' | 'failed' | 'linked';
  issue?: { number?: number; url?: string; title: string; dryRun: boolean };
  pr?: { number?: number; url?: string; title: string; dryRun: boolean };
}

export interface SessionView {
  playId: string;
  workflowId: string;
  repository: string;
  service?: string;
  namespace: string;
  status: SessionStatus;
  startedAt: string;
  updatedAt: string;
  endedAt?: string;
  endReason?: string;
  agents: AgentView[];
  tasks: SessionInput['tasks'];
  detections: { total: number; unique: number; byCode: Record<string, number> };
  /** Most recent distinct failures, most recent first (bounded). */
  fingerprints: FingerprintView[];
  alertCodes: string[];
  maxSeverity?: Severity;
  incidents: IncidentSummary[];
  /** Distinct failures past the open-incident cap, waiting for a slot: they open as incidents finish. */
  incidentsDeferred: number;
  continuedAsNew: number;
  /** How pre-flight items without evidence count (default warn: shown, not raised). */
  preflightUnknownIs?: UnknownPolicy;
  /** Unknown keys found in the session's cto_config, by path. */
  configWarnings?: string[];
}

export const statusQuery = defineQuery<SessionView>('status');
