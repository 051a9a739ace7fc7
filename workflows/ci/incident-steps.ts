// The healing chain's steps for a CI failure (a detection carrying `ci`): its context is the failed job's
// log window and the agent's PR diff, it may report on the agent's PR instead of an issue, and it is
// verified by the next run of the workflow that failed. The incident workflow calls these where a CI
// incident differs; they are guarded by one patch so incidents started before them replay unchanged.
import { patched, proxyActivities, sleep } from '@temporalio/workflow';
import type { CiVerificationActivities } from '../../activities/ci/verification';
import type { ContextRef } from '../../activities/incident/context';
import type { GitHubActivities, IssueRef } from '../../activities/incident/github';
import type { CiFailureRef, Detection } from '../../core/contract';
import type { CiState } from '../../core/incident/ci';
import type { IncidentSettings } from '../../core/incident/settings';

/** patched() id of the CI path through the incident workflow. */
export const CI_INCIDENT_PATCH = 'incident-ci-failure';

const ci = proxyActivities<CiVerificationActivities>({
  startToCloseTimeout: '2 minutes',
  retry: {
    initialInterval: '1 second',
    backoffCoefficient: 2,
    maximumInterval: '1 minute',
    maximumAttempts: 8,
    nonRetryableErrorTypes: ['GitHubRejected', 'GitHubBadRepository'],
  },
});

/** The CI failure an incident heals, when its detection came from GitHub Actions (undefined otherwise). */
export function ciFailureOf(detection: Detection): CiFailureRef | undefined {
  return detection.ci && patched(CI_INCIDENT_PATCH) ? detection.ci : undefined;
}

export function gatherCiContext(input: {
  incidentId: string;
  detection: Detection;
  evidence: Detection[];
}): Promise<ContextRef> {
  return ci.gatherCiContext(input);
}

/** Verdict of the failed workflow's run on the remediation commit. */
export function ciRunState(failure: CiFailureRef, headSha: string): Promise<CiState> {
  return ci.ciWorkflowRunState({ repo: failure.repo, workflowId: failure.workflowId, headSha });
}

/**
 * Waits for a later run of the failed workflow on the same branch to pass (the agent, or a person, pushed a
 * fix). The newest run counts: a failing push may be followed by a passing one before the deadline.
 */
export async function waitForNextCiRun(
  failure: CiFailureRef,
  settings: Pick<IncidentSettings, 'ciPollSecs' | 'ciTimeoutSecs'>,
): Promise<CiState> {
  const deadline = new Date().getTime() + settings.ciTimeoutSecs * 1000;
  for (;;) {
    const state = await ci.nextCiRunState({
      repo: failure.repo,
      workflowId: failure.workflowId,
      branch: failure.headBranch,
      afterRunId: failure.runId,
    });
    if (state.verdict === 'success' || new Date().getTime() >= deadline) return state;
    await sleep(Math.min(settings.ciPollSecs * 1000, Math.max(1, deadline - new Date().getTime())));
  }
}

/** Reports the analysis as a comment on the agent's PR; the PR then stands where the issue would. */
export async function reportOnPullRequest(
  commentOnce: GitHubActivities['commentOnce'],
  input: { incidentId: string; failure: CiFailureRef & { pullRequest: { number: number } }; body: string },
): Promise<IssueRef> {
  const { failure } = input;
  const pr = failure.pullRequest;
  const target: IssueRef = {
    repo: failure.repo,
    number: pr.number,
    ...(pr.url ? { url: pr.url } : {}),
    title: pr.title ?? `PR #${pr.number}`,
    dryRun: false,
  };
  const posted = await commentOnce({ incidentId: input.incidentId, issue: target, kind: 'analysis', body: input.body });
  return { ...target, dryRun: posted.dryRun };
}

/** Whether the incident's "issue" is the agent's PR (pr-comment mode): Healer never closes that. */
export const isAgentPullRequest = (issue: IssueRef, failure: CiFailureRef | undefined): boolean =>
  failure?.pullRequest !== undefined && issue.repo === failure.repo && issue.number === failure.pullRequest.number;
