// Contract of the incident workflow that is not (yet) in messages.ts: its input, its view and the
// `status` query. To be moved into workflows/messages.ts by the lead; keep the names.
import { defineQuery, defineSignal } from '@temporalio/workflow';
import type { Detection } from '../core/types';
import type { Evaluation } from '../core/incident/schemas';
import type { IncidentSummary } from './messages';

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
