// ciRunIntake: one failed GitHub Actions run attempt becomes detections in its session
// (`ci-run-<owner>-<repo>-<run id>-<attempt>`). Webhook deliveries (workflow_run, workflow_job,
// check_run) and the poller all start this same id, so a run is taken in once however often it is
// reported. Reads like the runbook: wait for the run to finish → is it ours → already fixed? → whose is
// it → classify each failed job → deliver.
import {
  ParentClosePolicy,
  proxyActivities,
  setCurrentDetails,
  sleep,
  startChild,
  workflowInfo,
} from '@temporalio/workflow';
import { WorkflowExecutionAlreadyStartedError } from '@temporalio/common';
import type { CiIntakeActivities } from '../../activities/ci/intake';
import type { CiIntakeOutcome, CiRunIntakeInput } from '../../core/contract';
import { ciRunIntakeStart } from '../../core/ci/intake-options';
import { DEFAULT_IGNORED_ACTORS, DEFAULT_SKIP_MARKER, HEALER_BRANCH_PREFIX, scopeOfRun } from '../../core/ci/scope';
import { LATEST_ATTEMPT } from '../../core/ci/webhook-events';

const ci = proxyActivities<CiIntakeActivities>({
  // Reading a few job logs (bounded to their last 4 MB each) and a handful of REST calls.
  startToCloseTimeout: '5 minutes',
  heartbeatTimeout: '2 minutes',
  retry: {
    initialInterval: '2 seconds',
    backoffCoefficient: 2,
    maximumInterval: '2 minutes',
    maximumAttempts: 10,
    nonRetryableErrorTypes: ['GitHubRejected', 'GitHubBadRepository'],
  },
});

/** GitHub-hosted jobs run at most 6 hours: a run still in progress after that is not waited for. */
const DEFAULT_WAIT_FOR_COMPLETION_MS = 6 * 3600_000;
const DEFAULT_POLL_INTERVAL_MS = 60_000;

export async function ciRunIntake(input: CiRunIntakeInput): Promise<CiIntakeOutcome> {
  const { repo } = input;
  const report = (outcome: CiIntakeOutcome): CiIntakeOutcome => {
    setCurrentDetails(`## CI run ${input.runId} of ${repo}\n**Outcome** ${JSON.stringify(outcome)}`);
    return outcome;
  };

  // A job can fail while the rest of its run still runs: take the run in once, when it has finished.
  const waitUntil = new Date().getTime() + (input.waitForCompletionMs ?? DEFAULT_WAIT_FOR_COMPLETION_MS);
  let run = await ci.describeCiRun({ repo, runId: input.runId });
  while (run && run.status !== 'completed' && new Date().getTime() < waitUntil) {
    await sleep(input.pollIntervalMs ?? DEFAULT_POLL_INTERVAL_MS);
    run = await ci.describeCiRun({ repo, runId: input.runId });
  }
  if (!run) return report({ status: 'skipped', reason: `run ${input.runId} not found in ${repo}` });
  // Reported without its attempt (a check run): hand over to the intake of the attempt it is now.
  if (input.runAttempt === LATEST_ATTEMPT) return report(await handOver(input, run.attempt));
  // A newer attempt replaced the one reported: that attempt has its own intake.
  if (run.attempt !== input.runAttempt)
    return report({ status: 'skipped', reason: `run ${run.id} is at attempt ${run.attempt}, not ${input.runAttempt}` });

  const scope = scopeOfRun(run, {
    ignoredActors: input.ignoredActors ?? DEFAULT_IGNORED_ACTORS,
    skipMarker: DEFAULT_SKIP_MARKER,
    ownBranchPrefix: HEALER_BRANCH_PREFIX,
  });
  if (!scope.inScope) return report({ status: 'skipped', reason: scope.reason });
  if (!(await ci.isCiRepoWatched({ repo })))
    return report({ status: 'skipped', reason: `${repo} has no active session and is not in HEALER_WATCH_REPOS` });
  const fixedBy = await ci.laterCiRunFixed({ repo, run });
  if (fixedBy !== null)
    return report({
      status: 'skipped',
      reason: `run #${fixedBy} of ${run.workflowName} on ${run.headBranch} passed since`,
    });

  const attributed = await ci.attributeCiRun({ repo, run });
  const { detections, failedJobs } = await ci.analyzeFailedCiJobs({ repo, run, attributed });
  if (detections.length === 0) return report({ status: 'no-failed-jobs' });
  const delivered = await ci.deliverCiDetections({
    attribution: attributed.attribution,
    batchId: workflowInfo().workflowId,
    detections,
  });
  return report({ status: 'delivered', target: delivered.workflowId, detections: detections.length, jobs: failedJobs });
}

/** Starts the intake of the run's current attempt (unless a webhook or the poller already did). */
async function handOver(input: CiRunIntakeInput, attempt: number): Promise<CiIntakeOutcome> {
  const options = ciRunIntakeStart({ ...input, runAttempt: attempt }, workflowInfo().taskQueue);
  try {
    await startChild('ciRunIntake', { ...options, parentClosePolicy: ParentClosePolicy.ABANDON });
  } catch (error) {
    if (!(error instanceof WorkflowExecutionAlreadyStartedError)) throw error;
  }
  return { status: 'skipped', reason: `handed over to ${options.workflowId}` };
}
