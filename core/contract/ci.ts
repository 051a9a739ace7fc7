// GitHub Actions CI failures as Healer sees them: the workflow ids of the intake and the poller, their
// inputs and views, and the reference a CI detection carries to the run, job and pull request it came from.
import { defineQuery } from '@temporalio/workflow';

/** Repository `owner/name` as a workflow-id fragment (`/` is not welcome in ids people type). */
const repoKey = (repo: string): string => repo.replace('/', '-');

/** One poller per watched repository: `ci-poller-<owner>-<repo>`. */
export const ciPollerWorkflowId = (repo: string): string => `ci-poller-${repoKey(repo)}`;
/** One intake per run attempt: webhooks, redeliveries and the poller all fold into it. */
export const ciRunWorkflowId = (repo: string, runId: number, attempt: number): string =>
  `ci-run-${repoKey(repo)}-${runId}-${attempt}`;

/** Where a CI detection came from: enough to find the job's log, the PR and the next run again. */
export interface CiFailureRef {
  repo: string;
  runId: number;
  runAttempt: number;
  runUrl?: string;
  /** The numeric workflow id (for "runs of this workflow"), its name and file. */
  workflowId: number;
  workflowName: string;
  workflowPath?: string;
  jobId: number;
  jobName: string;
  jobUrl?: string;
  /** The first step whose conclusion is failure (absent when GitHub reports none). */
  failedStep?: string;
  headBranch: string;
  headSha: string;
  /** The agent's pull request the run belongs to, when there is one. */
  pullRequest?: { number: number; title?: string; url?: string };
  /** The catalog code or CI signature the fingerprint was built from (e.g. `C1:E0308`). */
  signature: string;
  /** 1-based line of the decisive log line in the job log (after GitHub's timestamps are removed). */
  logLine?: number;
}

/** What starts an intake: a run attempt of a repository, from a webhook delivery or the poller. */
export interface CiRunIntakeInput {
  repo: string;
  runId: number;
  runAttempt: number;
  via: 'webhook' | 'poller' | 'test';
  /** GitHub's X-GitHub-Delivery id, for the audit trail. */
  deliveryId?: string;
  /** How long to wait for a run that is still in progress, and how often to look (ms). */
  waitForCompletionMs?: number;
  pollIntervalMs?: number;
  /** Logins whose runs are skipped (HEALER_CI_IGNORE_ACTORS; default: dependabot and renovate). */
  ignoredActors?: string[];
}

export type CiIntakeOutcome =
  | { status: 'skipped'; reason: string }
  | { status: 'delivered'; target: string; detections: number; jobs: number }
  | { status: 'no-failed-jobs' };

export interface CiPollerInput {
  repo: string;
  intervalMs: number;
  /** Runs created at or after this instant (ISO) are listed; carried across continue-as-new. */
  cursor?: string;
  /** Intake ids already started whose runs are newer than the cursor (bounded). */
  started?: Array<{ key: string; createdAt: string }>;
  /** Polls done by earlier runs of this workflow (for the view). */
  polls?: number;
  /** How far before each poll the next cursor starts, so a long run that fails later is still seen. */
  overlapMs?: number;
  /** Stop when the repository has no active session and is not in HEALER_WATCH_REPOS (default true). */
  stopWhenUnwatched?: boolean;
  /** Passed on to each intake. */
  ignoredActors?: string[];
}

export interface CiPollerView {
  repo: string;
  cursor?: string;
  polls: number;
  lastPollAt?: string;
  lastError?: string;
  intakesStarted: number;
  status: 'polling' | 'stopped';
}

export const ciPollerStatusQuery = defineQuery<CiPollerView>('ciPollerStatus');
