// ciPoller: for deployments GitHub cannot send webhooks to, one durable poller per watched repository
// (`ci-poller-<owner>-<repo>`). Every interval it lists the failed runs created since its cursor and starts
// their intakes (the same ids webhooks use, so nothing is taken in twice), sleeps on a durable timer, and
// continues-as-new carrying its cursor. It stops when the repository is no longer watched.
import {
  continueAsNew,
  proxyActivities,
  setCurrentDetails,
  setHandler,
  sleep,
  startChild,
  workflowInfo,
  ActivityFailure,
  ParentClosePolicy,
} from '@temporalio/workflow';
import { WorkflowExecutionAlreadyStartedError } from '@temporalio/common';
import type { CiIntakeActivities } from '../../activities/ci/intake';
import { ciPollerStatusQuery, ciRunWorkflowId, type CiPollerInput, type CiPollerView } from '../../core/contract';
import { ciRunIntakeStart } from '../../core/ci/intake-options';

const ci = proxyActivities<CiIntakeActivities>({
  startToCloseTimeout: '1 minute',
  retry: {
    initialInterval: '2 seconds',
    maximumInterval: '1 minute',
    maximumAttempts: 5,
    nonRetryableErrorTypes: ['GitHubRejected', 'GitHubBadRepository'],
  },
});

/** GitHub-hosted jobs run at most 6 hours: a run created that long before a poll has finished by then. */
const DEFAULT_OVERLAP_MS = 6 * 3600_000;
const POLLS_PER_RUN = 200;
const MAX_REMEMBERED = 1000;

export async function ciPoller(input: CiPollerInput): Promise<CiPollerView> {
  const overlapMs = input.overlapMs ?? DEFAULT_OVERLAP_MS;
  let cursor = input.cursor ?? new Date(new Date().getTime() - overlapMs).toISOString();
  let started = input.started ?? [];
  const view: CiPollerView = {
    repo: input.repo,
    cursor,
    polls: input.polls ?? 0,
    intakesStarted: 0,
    status: 'polling',
  };
  setHandler(ciPollerStatusQuery, () => view);
  const publish = () =>
    setCurrentDetails(
      `## CI poller for ${input.repo}\n**Status** ${view.status} · **polls** ${view.polls} · **intakes started** ${view.intakesStarted}\n**Cursor** ${view.cursor}${view.lastError ? `\n**Last error** ${view.lastError}` : ''}`,
    );

  for (let poll = 1; ; poll++) {
    const polledAt = new Date().getTime();
    try {
      const runs = await ci.listFailedCiRuns({ repo: input.repo, since: cursor });
      for (const run of runs) {
        const key = ciRunWorkflowId(input.repo, run.id, run.attempt);
        if (started.some((seen) => seen.key === key)) continue;
        await startIntake(input, run.id, run.attempt);
        view.intakesStarted += 1;
        started.push({ key, createdAt: run.createdAt });
      }
      // Runs created before the new cursor are never listed again, so they need not be remembered.
      cursor = new Date(polledAt - overlapMs).toISOString();
      started = started.filter((seen) => seen.createdAt >= cursor).slice(-MAX_REMEMBERED);
      view.lastError = undefined;
    } catch (error) {
      // GitHub unavailable past the retries: the next poll tries again from the same cursor.
      if (!(error instanceof ActivityFailure)) throw error;
      view.lastError = (error.cause ?? error).message.slice(0, 300);
    }
    view.polls += 1;
    view.cursor = cursor;
    view.lastPollAt = new Date(polledAt).toISOString();
    publish();
    await sleep(input.intervalMs);
    // Checked after a poll, not before the first: a poller started just before its session is not stopped
    // because Temporal's visibility does not show that session yet.
    if (input.stopWhenUnwatched !== false && !(await ci.isCiRepoWatched({ repo: input.repo }))) {
      view.status = 'stopped';
      publish();
      return view;
    }
    if (poll >= POLLS_PER_RUN || workflowInfo().continueAsNewSuggested)
      await continueAsNew<typeof ciPoller>({ ...input, cursor, started, polls: view.polls });
  }
}

async function startIntake(input: CiPollerInput, runId: number, runAttempt: number): Promise<void> {
  const options = ciRunIntakeStart(
    {
      repo: input.repo,
      runId,
      runAttempt,
      via: 'poller',
      ...(input.ignoredActors ? { ignoredActors: input.ignoredActors } : {}),
    },
    workflowInfo().taskQueue,
  );
  try {
    // The intake outlives this poll (and the poller's continue-as-new).
    await startChild('ciRunIntake', { ...options, parentClosePolicy: ParentClosePolicy.ABANDON });
  } catch (error) {
    // A webhook (or an earlier poll) already took this run in.
    if (!(error instanceof WorkflowExecutionAlreadyStartedError)) throw error;
  }
}
