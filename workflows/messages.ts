// The public contract of Healer's workflows: every signal, query and update name, the search-attribute
// keys, workflow ids, task queues and the input/view types. The API, scanner, CLI, MCP server and the
// workflows all import this file; nothing else declares a message name.
import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';
import type { Detection, SessionInput, SessionStatus, Severity } from '../core/types';

export const TASK_QUEUE = 'healer';
export const LLM_TASK_QUEUE = 'healer-llm';
export const WATCHDOG_TASK_QUEUE = 'healer-watchdog';

export const sessionWorkflowId = (playId: string): string => `play-${playId}`;
export const incidentWorkflowId = (playId: string, fingerprint: string): string => `incident-${playId}-${fingerprint}`;
export const watchdogWorkflowId = (namespace: string): string => `watchdog-${namespace}`;
export const platformWorkflowId = (k8sNamespace: string): string => `platform-${k8sNamespace}`;
/** Platform sessions collect detections that belong to no play session; their play id carries this prefix. */
export const PLATFORM_PLAY_ID_PREFIX = 'platform-';

export const searchAttributes = {
  playId: defineSearchAttributeKey('HealerPlayId', SearchAttributeType.KEYWORD),
  repository: defineSearchAttributeKey('HealerRepository', SearchAttributeType.KEYWORD),
  status: defineSearchAttributeKey('HealerStatus', SearchAttributeType.KEYWORD),
  alertCodes: defineSearchAttributeKey('HealerAlertCodes', SearchAttributeType.KEYWORD_LIST),
  severity: defineSearchAttributeKey('HealerSeverity', SearchAttributeType.KEYWORD),
  incidentCount: defineSearchAttributeKey('HealerIncidentCount', SearchAttributeType.INT),
} as const;

/** Name → type, as the dev-server bootstrap registers them (`--search-attribute Name=Type`). */
export const SEARCH_ATTRIBUTE_TYPES: Record<string, 'Keyword' | 'KeywordList' | 'Int'> = {
  HealerPlayId: 'Keyword',
  HealerRepository: 'Keyword',
  HealerStatus: 'Keyword',
  HealerAlertCodes: 'KeywordList',
  HealerSeverity: 'Keyword',
  HealerIncidentCount: 'Int',
};

// ── playSession ───────────────────────────────────────────────────────────────────────────────────

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

// ── incident ──────────────────────────────────────────────────────────────────────────────────────

export interface EvidenceSignal {
  detections: Detection[];
}
export interface ApprovalInput {
  by?: string;
  comment?: string;
}
export const evidenceSignal = defineSignal<[EvidenceSignal]>('evidence');
export const approveUpdate = defineUpdate<{ accepted: boolean; step: string }, [ApprovalInput]>('approve');
export const rejectUpdate = defineUpdate<{ accepted: boolean; step: string }, [ApprovalInput]>('reject');

// ── model gateway (breakers and the daily budget live in entity workflows) ─────────────────────────────
export * from './model-messages';
export * from './watchdog-messages';
export * from './incident-messages';
