// The incident's activities with their retry and timeout policies. Activities that wait on something
// outside heartbeat while they run (activities/heartbeat.ts), so each proxy's heartbeat timeout turns an
// attempt lost with a killed worker into a retry within about 2 s (core/heartbeat-timing.ts).
import { proxyActivities } from '@temporalio/workflow';
import type { GitHubActivities } from '../../activities/incident/github';
import type { ContextActivities } from '../../activities/incident/context';
import type { NotifyActivities } from '../../activities/incident/notify';
import type { RemediationActivities } from '../../activities/incident/remediation';
import type { StructuredRequest, StructuredResult } from '../../core/model/request';
import { generateStructuredOptions } from '../../core/model/activity-options';
import { HEARTBEAT_TIMEOUT } from '../../core/heartbeat-timing';

/** Past the deadline these still get this long, so an escalation can reach the issue. */
const GITHUB_LAST_WINDOW_MS = 10 * 60_000;
/** How long an effect may keep retrying: until the incident's deadline. */
const untilDeadline = (deadlineMs: number): number =>
  Math.max(GITHUB_LAST_WINDOW_MS, deadlineMs - new Date().getTime());

/**
 * GitHub effects, each its own idempotent activity (they look before they create). A 5xx, a lost answer
 * or a rate limit (whose delay GitHub's headers set) is retried with capped backoff for as long as the
 * incident may wait (`deadlineMs`): a GitHub outage is waited out, never charged to a remediation round.
 * A refusal (other 4xx) fails at once.
 */
export function githubUntil(deadlineMs: number): GitHubActivities {
  return proxyActivities<GitHubActivities>({
    // Single REST calls (or a few pages).
    startToCloseTimeout: '30 seconds',
    heartbeatTimeout: HEARTBEAT_TIMEOUT,
    scheduleToCloseTimeout: untilDeadline(deadlineMs),
    retry: {
      initialInterval: '1 second',
      backoffCoefficient: 2,
      // A 502 blip or a lost answer is usually over in seconds; rate limits set their own delay.
      maximumInterval: '15 seconds',
      nonRetryableErrorTypes: ['GitHubRejected', 'GitHubBadRepository', 'HealerBug', 'ForbiddenPath'],
    },
  });
}

/**
 * Gathering is best effort per source (a failed source is a note, not an error), so an attempt only fails
 * when its worker is lost: it is retried for as long as that takes, within a bound, so a worker
 * restarting mid-way never leaves the evaluation without the session's context.
 */
export const context = proxyActivities<ContextActivities>({
  startToCloseTimeout: '2 minutes',
  heartbeatTimeout: HEARTBEAT_TIMEOUT,
  scheduleToCloseTimeout: '5 minutes',
  // Only a lost worker fails an attempt, and the next worker can take the retry at once.
  retry: { initialInterval: '500 milliseconds', maximumInterval: '2 seconds' },
});

/** Remediation steps (reading files from GitHub, CodeRuns in Kubernetes): outages are waited out as for GitHub. */
export function remediationUntil(deadlineMs: number): RemediationActivities {
  return proxyActivities<RemediationActivities>({
    startToCloseTimeout: '5 minutes',
    heartbeatTimeout: HEARTBEAT_TIMEOUT,
    scheduleToCloseTimeout: untilDeadline(deadlineMs),
    retry: {
      initialInterval: '1 second',
      maximumInterval: '1 minute',
      nonRetryableErrorTypes: ['ForbiddenPath', 'GitHubRejected', 'KubernetesRejected', 'KubernetesNotConfigured'],
    },
  });
}

export const notify = proxyActivities<NotifyActivities>({
  startToCloseTimeout: '30 seconds',
  // Discord's 429s set the delay (nextRetryDelay); the policy only bounds how long we keep trying.
  retry: {
    initialInterval: '1 second',
    maximumInterval: '1 minute',
    maximumAttempts: 10,
    nonRetryableErrorTypes: ['DiscordRejected'],
  },
});

type ModelGateway = { generateStructured(request: StructuredRequest): Promise<StructuredResult<unknown>> };
/** The gateway on `taskQueue`, with its own scheduling contract (its chain ends itself with a result at its deadline). */
export const modelOn = (taskQueue: string): ModelGateway =>
  proxyActivities<ModelGateway>({ ...generateStructuredOptions(), taskQueue });
