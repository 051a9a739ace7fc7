// What an incident's context gathering brings beyond the log window (types only): the other failures of
// the session, the GitHub state of the agent's task, and the agent's pre-flight checklist.
import type { CiVerdict } from './ci';
import type { ContextSummary, PreflightChecklist } from '../contract';
import type { Correlation } from './correlation';

export interface GitHubContext {
  /** The task's open PR (branch or title names the task), with its latest CI. */
  pullRequest?: {
    number: number;
    title: string;
    branch: string;
    url?: string;
    ci: { verdict: CiVerdict; failures: string[] };
  };
  /** The last commits of the default branch touching the files the log names. */
  commits: Array<{ path: string; sha: string; message: string; author?: string; date?: string }>;
  /** What could not be read, and why (dry run, no task id, an API error). */
  notes: string[];
}

export interface GatheredExtras {
  /** The log window's bounds (ISO). */
  window?: { from: string; to: string };
  summary?: ContextSummary;
  correlation?: Correlation;
  github?: GitHubContext;
  /** The detecting agent's pre-flight checklist, with evidence. */
  checklist?: { agent: string; items: PreflightChecklist };
}
