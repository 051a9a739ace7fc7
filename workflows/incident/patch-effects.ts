// A model patch becomes a pull request through three GitHub effects, each its own idempotent activity
// with its own retries (ensure the branch, commit the files, find or open the PR): a GitHub outage in
// one of them is waited out there and never turns into a failed remediation round.
import type { GitHubActivities, PullRef } from '../../activities/incident/github';
import type { PatchToPublish } from '../../activities/incident/remediation';
import { redact } from '../../core/detection/redact';
import { prBody, prTitle, remediationBranch } from '../../core/incident/render';

/**
 * `github()` gives the GitHub activities with the time still left for retries. `branchReady`: the branch is
 * already being ensured (alongside the model call); without it, it is ensured first.
 */
export async function publishPatch(
  github: () => GitHubActivities,
  input: PatchToPublish,
  branchReady?: Promise<unknown>,
): Promise<PullRef> {
  const { incidentId, repo } = input;
  const branch = input.branch ?? remediationBranch(incidentId);
  await (branchReady ?? github().ensureBranch({ incidentId, repo, branch }));
  await github().commitFiles({
    incidentId,
    repo,
    branch,
    edits: input.patch.edits,
    message: `healer: ${redact(input.patch.summary).slice(0, 72)} (round ${input.round})`,
    policy: input.policy,
  });
  return github().findOrOpenPullRequest({
    incidentId,
    repo,
    branch,
    title: prTitle(input.code, input.summary),
    body: prBody(incidentId, input.issue.number, input.patch.explanation, input.patch.edits),
  });
}
