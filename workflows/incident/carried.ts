// What one run of an incident hands to the next when it continues as new: the view people see, the
// evidence and decision received, and how far the runbook got. A step whose result is here is not run
// again; the runbook resumes at the wait it was in (approval gate, CodeRun, CI, a model outage).
import type { ContextRef } from '../../activities/incident/context';
import type { IssueRef, PullRef } from '../../activities/incident/github';
import type { Detection, IncidentView } from '../../core/contract';
import type { Evaluation } from '../../core/incident/schemas';
import type { StructuredResult } from '../../core/model/request';
import type { UrgentNotice } from './context-steps';

export type Verdict = { decision: 'approved' | 'rejected'; by?: string; comment?: string };

/** Why the rule-based evaluator ran instead of a model: the gateway's typed reason, or the workflow's own. */
export type RulesFallback =
  Extract<StructuredResult<unknown>, { ok: false }>['reason'] | 'invalid-answer' | 'gateway-error';

export interface Evaluated {
  evaluation: Evaluation;
  rulesFallback?: RulesFallback;
}

export interface RunbookProgress {
  gathered?: ContextRef;
  evaluated?: Evaluated;
  issue?: IssueRef;
  /** Lines of the log excerpt that read like instructions to a model (told on the issue). */
  instructionLines?: string[];
  /** When the approval gate closes (epoch ms), once it has opened. */
  gateDeadlineMs?: number;
  gatePassed?: boolean;
  /** The remediation round under way (0 before the first). */
  round: number;
  /** What the next round is told about the last one (CI failures, a rejected patch). */
  feedback?: string;
  lastReason?: string;
  /** Head commit of the last PR verified, so an unchanged one is not verified again. */
  lastHeadSha?: string;
  /** coderun mode: the round's CodeRun and when Healer stops waiting for its PR. */
  codeRun?: { round: number; name: string; deadlineMs: number };
  /** Told on Discord at detection time (urgent detections): edited with the issue link once it exists. */
  urgentNotice?: UrgentNotice;
  /** The round's PR whose CI is awaited. */
  awaitingCi?: { pr: PullRef; headSha: string; deadlineMs: number };
}

export interface IncidentCarried {
  view: IncidentView;
  evidence: Detection[];
  verdict?: Verdict;
  progress: RunbookProgress;
  /** When the first run started (epoch ms): the incident's deadline counts from here. */
  startedAtMs: number;
  /**
   * What was last signalled to the session (the summary, or since milestone updates its milestone) and the
   * status last written to search attributes.
   */
  published: { summary: string; status?: string };
}
