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
export const evidenceSignal = defineSignal<[EvidenceSignal]>('evidence');
export const approveUpdate = defineUpdate<{ accepted: boolean; step: string }, [ApprovalInput]>('approve');
export const rejectUpdate = defineUpdate<{ accepted: boolean; step: string }, [ApprovalInput]>('reject');

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
