// CI runs recorded for the replay test, on the dry-run GitHub (runs recorded under the scratch state
// directory stand in for GitHub's Actions API): an intake delivering a failed run to its session, the CI
// incident that opens and resolves when the next run passes, and a poller that stops once unwatched.
import type { Client } from '@temporalio/client';
import { dryRunActionsDir } from '../../activities/ci';
import { recordRun } from '../../activities/ci/dry-run';
import { SessionService } from '../../api/session/sessions';
import { ensureCiPoller } from '../../api/github/pollers';
import { demoRun } from '../../cli/demo-ci';
import { ciRunIntakeStart } from '../../core/ci/intake-options';
import { endSignal, incidentStatusQuery, sessionWorkflowId, statusQuery } from '../../core/contract';
import { normaliseSessionPayload } from '../../core/session/payload';
import { waitFor, type Scenario } from './scenario';

const startSession = async (client: Client, taskQueue: string, playId: string, repository: string) => {
  const input = normaliseSessionPayload({
    play_id: playId,
    repository,
    cto_config: { agents: { rex: { tools: { remote: [] } } }, remediation: { ciPollSecs: 0.2, ciTimeoutSecs: 120 } },
    tasks: [{ id: 1, title: 'Orders API', agent_hint: 'rex' }],
  });
  await new SessionService(client, { taskQueue, settings: { preflightWindowMs: 60_000 } }).start(input);
  const id = sessionWorkflowId(playId);
  // The intake finds sessions through visibility.
  await waitFor(
    `${id} in visibility`,
    async () => {
      for await (const _ of client.workflow.list({ query: `WorkflowId = '${id}' AND ExecutionStatus = 'Running'` }))
        return true;
      return false;
    },
    (listed) => listed,
  );
  return client.workflow.getHandle(id);
};

export const ciScenarios: Scenario[] = [
  {
    name: 'ci-run-intake-delivered',
    async run({ client, taskQueue, suffix, dir }) {
      const repository = `5dlabs/cto-ci-${suffix}`;
      const session = await startSession(client, taskQueue, `rec-ci-${suffix}`, repository);
      const runs = dryRunActionsDir(dir);
      await recordRun(runs, repository, demoRun(repository, 1000, { at: '2026-01-01T00:00:00Z' }));
      const intake = await client.workflow.start(
        'ciRunIntake',
        ciRunIntakeStart({ repo: repository, runId: 1000, runAttempt: 1, via: 'test' }, taskQueue),
      );
      await intake.result();
      const incidentId = await waitFor(
        'the CI incident',
        () => session.query(statusQuery),
        (view) => view.incidents.length === 1,
      ).then((view) => view.incidents[0].id);
      const incident = client.workflow.getHandle(incidentId);
      await waitFor(
        'the incident to wait for the next run',
        () => incident.query(incidentStatusQuery),
        (view) => view.step === 'verifying',
      );
      await recordRun(runs, repository, demoRun(repository, 1001, { passed: true, at: '2026-01-01T00:10:00Z' }));
      await incident.result();
      await session.signal(endSignal, { reason: 'recorded' });
      await session.result();
      return [
        ['ci-run-intake-delivered', intake.workflowId],
        ['incident-ci-verified-by-next-run', incidentId],
      ];
    },
  },
  {
    name: 'ci-poller-stops-unwatched',
    async run({ client, taskQueue, suffix, dir }) {
      const repository = `5dlabs/cto-poll-${suffix}`;
      const session = await startSession(client, taskQueue, `rec-poll-${suffix}`, repository);
      await recordRun(dryRunActionsDir(dir), repository, demoRun(repository, 2000, { at: new Date().toISOString() }));
      const pollerId = (await ensureCiPoller(client, repository, { intervalMs: 300, taskQueue }))!;
      await waitFor(
        'the poller to deliver the failed run',
        () => session.query(statusQuery),
        (view) => view.detections.total === 1,
      );
      await session.signal(endSignal, { reason: 'recorded' });
      await session.result();
      await client.workflow.getHandle(pollerId).result();
      return pollerId;
    },
  },
];
