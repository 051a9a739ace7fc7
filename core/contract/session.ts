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
export interface EndSignal {
  status?: Exclude<SessionStatus, 'active'>;
  reason?: string;
}

export const detectionsSignal = defineSignal<[DetectionBatch]>('detections');
export const agentStartedSignal = defineSignal<[AgentStartedSignal]>('agentStarted');
export const toolInventorySignal = defineSignal<[ToolInventorySignal]>('toolInventory');
export const endSignal = defineSignal<[EndSignal]>('end');

export type CheckState = 'pending' | 'pass' | 'fail';
export interface AgentView {
  name: string;
  expectedTools: string[];
  startedAt?: string;
  reportedTools?: string[];
  missingTools?: string[];
  /** Pre-flight checklist: prompts, config, MCP tools, tools-server. */
  checklist: { prompts: CheckState; config: CheckState; mcpTools: CheckState; toolsServer: CheckState };
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
  status: 'open' | 'resolved' | 'escalated' | 'rejected' | 'failed';
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
  /** Detections past the open-incident cap: counted, not dropped. */
  incidentsDeferred: number;
  continuedAsNew: number;
}

export const statusQuery = defineQuery<SessionView>('status');
