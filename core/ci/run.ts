// GitHub Actions runs and jobs as Healer needs them (reduced from GitHub's REST objects by the activities).

/** A workflow run as the intake needs it (from GitHub's run object). */
export interface CiRunSummary {
  id: number;
  attempt: number;
  runNumber: number;
  workflowId: number;
  workflowName: string;
  workflowPath?: string;
  headBranch: string;
  headSha: string;
  event: string;
  status: string;
  conclusion: string | null;
  actor?: string;
  triggeringActor?: string;
  headCommitMessage?: string;
  createdAt: string;
  url?: string;
  pullRequests: number[];
}

/** A job of a run, with its steps. */
export interface CiJobSummary {
  id: number;
  runId: number;
  runAttempt: number;
  name: string;
  status: string;
  conclusion: string | null;
  url?: string;
  steps: Array<{ number: number; name: string; status: string; conclusion: string | null }>;
}

/** Conclusions that are failures of the code or the runner (cancelled and skipped runs are not). */
export const FAILED_CONCLUSIONS: readonly string[] = ['failure', 'timed_out', 'startup_failure'];

export const isFailedConclusion = (conclusion: string | null | undefined): boolean =>
  FAILED_CONCLUSIONS.includes(conclusion ?? '');

/** The first step that failed (GitHub marks later steps skipped). */
export function firstFailedStep(job: CiJobSummary): string | undefined {
  return [...job.steps].sort((a, b) => a.number - b.number).find((step) => isFailedConclusion(step.conclusion))?.name;
}
