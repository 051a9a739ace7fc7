// The incident workflow's messages, input and view (workflow id `incident-<play_id>-<fingerprint>`).
import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import type { Evaluation } from '../incident/schemas';
import type { IncidentSummary } from './session';
import type { Detection } from './types';

export interface EvidenceSignal {
  detections: Detection[];
}
export interface ApprovalInput {
  by?: string;
  comment?: string;
}
/**
 * What an accepted decision answers. Live decisions that cannot apply are refused by the update's
 * validator (an ApplicationFailure of type DECISION_REFUSED_FAILURE, nothing written to history), so
 * `accepted: false` only comes back when replaying histories recorded before the validators existed.
 */
export interface DecisionResult {
  accepted: boolean;
  step: string;
}
/** ApplicationFailure type of a refused approve/reject (its message says why; callers answer 409). */
export const DECISION_REFUSED_FAILURE = 'IncidentDecisionRefused';

export const evidenceSignal = defineSignal<[EvidenceSignal]>('evidence');
export const approveUpdate = defineUpdate<DecisionResult, [ApprovalInput]>('approve');
export const rejectUpdate = defineUpdate<DecisionResult, [ApprovalInput]>('reject');

/** The log window an incident gathers around its detection, across every agent of its session. */
export interface ContextWindowSettings {
  beforeSecs: number;
  afterSecs: number;
  /** Caps of the lines kept (after redaction): those nearest the detection and every catalog match. */
  maxLines: number;
  maxBytes: number;
}

/** What an incident's context holds: which log sources answered with how many lines, and what was kept. */
export interface ContextSummary {
  sources: Array<{ name: string; lines: number; error?: string }>;
  /** Lines kept in the window, and their size in bytes. */
  lines: number;
  bytes: number;
  /** Lines of the window left out by the caps. */
  dropped: number;
  /** Other failures (distinct detections) of the session in the window, other agents included. */
  correlated: number;
}

export interface IncidentInput {
  playId: string;
  repository: string;
  namespace: string;
  service?: string;
  /** The detection that opened the incident. */
  detection: Detection;
  /** The `remediation` block of cto-config.json (see core/incident/settings.ts). */
  remediation?: Record<string, unknown>;
  /** Link to the session in the Temporal UI or API, for the issue body. */
  sessionLink?: string;
  /** Task queue of the model gateway (default `healer-llm`); tests use their own. */
  llmTaskQueue?: string;
  /** Set by sessions: the incident waits until the window's end (detection + afterSecs) before gathering. */
  contextWindow?: ContextWindowSettings;
  /** History events per run before the incident continues as new (default 500); tests set fewer. */
  maxHistoryEvents?: number;
}

export interface IncidentEvent {
  at: string;
  step: string;
  message: string;
}

/** Everything a person (API, CLI, UI) may want to know about one incident. */
export interface IncidentView extends IncidentSummary {
  playId: string;
  repository: string;
  evaluation?: Evaluation;
  /** `model <name>` or `rules (<why the model was not used>)`. */
  evaluatedBy?: string;
  round: number;
  maxIterations: number;
  mode: 'patch' | 'coderun';
  approval?: { decision: 'approved' | 'rejected' | 'timed-out'; by?: string; comment?: string };
  /** Why it ended as it did (escalation reason, rejection, …). */
  reason?: string;
  /** Reference to the stored context (outside workflow history). */
  contextRef?: string;
  /** The log window gathered: sources, lines kept, correlated detections. */
  context?: ContextSummary;
  /** Set when the evaluation found this incident shares its root cause with an open one (status `linked`). */
  linkedTo?: { incidentId: string; issue?: { number?: number; url?: string; title: string; dryRun: boolean } };
  /** True when GitHub ran dry: issue/PR are records of what would have been sent. */
  dryRun: boolean;
  /** Newest last, bounded. */
  events: IncidentEvent[];
  settingsWarnings: string[];
}

export const incidentStatusQuery = defineQuery<IncidentView>('status');

/**
 * Sent by an incident to its parent session whenever its summary changes (step, status, issue, PR,
 * occurrences), so the session view (API, CLI, UI) lists incidents without querying each one.
 */
export const incidentUpdateSignal = defineSignal<[IncidentSummary]>('incidentUpdate');
