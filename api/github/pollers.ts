// Starting CI pollers (workflows/ci/poller.ts) for deployments GitHub cannot reach with webhooks: one per
// repository in HEALER_WATCH_REPOS when the API starts, and one for each session's repository when the
// session starts. Starting is idempotent: a running poller for the repository is kept as it is.
import type { Client } from '@temporalio/client';
import { WorkflowIdConflictPolicy } from '@temporalio/common';
import { ciPollerWorkflowId, searchAttributes, TASK_QUEUE } from '../../core/contract';
import type { ciPoller } from '../../workflows/ci/poller';

export interface CiPollerSettings {
  /** How often each repository is polled (HEALER_CI_POLL_INTERVAL_MS); 0: no pollers. */
  intervalMs: number;
  taskQueue?: string;
  ignoredActors?: string[];
}

/** Starts the repository's poller unless it runs; returns its workflow id (undefined when polling is off). */
export async function ensureCiPoller(
  client: Client,
  repo: string,
  settings: CiPollerSettings,
): Promise<string | undefined> {
  if (settings.intervalMs <= 0) return undefined;
  const workflowId = ciPollerWorkflowId(repo);
  await client.workflow.start<typeof ciPoller>('ciPoller', {
    workflowId,
    taskQueue: settings.taskQueue ?? TASK_QUEUE,
    args: [
      {
        repo,
        intervalMs: settings.intervalMs,
        ...(settings.ignoredActors ? { ignoredActors: settings.ignoredActors } : {}),
      },
    ],
    workflowIdConflictPolicy: WorkflowIdConflictPolicy.USE_EXISTING,
    staticSummary: `Polls failed GitHub Actions runs of ${repo} every ${Math.round(settings.intervalMs / 1000)} s`,
    typedSearchAttributes: [{ key: searchAttributes.repository, value: repo }],
  });
  return workflowId;
}

export async function ensureCiPollers(
  client: Client,
  repos: readonly string[],
  settings: CiPollerSettings,
): Promise<string[]> {
  const started: string[] = [];
  for (const repo of repos) {
    const id = await ensureCiPoller(client, repo, settings);
    if (id) started.push(id);
  }
  return started;
}
