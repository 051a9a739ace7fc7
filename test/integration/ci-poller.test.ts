// The CI poller on the real dev server against the fake GitHub: it lists failed runs since its cursor,
// starts one intake per run attempt (skipping what the scope rules skip, waiting for runs still in
// progress), downloads job logs through GitHub's redirect, survives continue-as-new without taking a run
// in twice, and stops once its repository has no active session.
import { ciPollerStatusQuery, ciPollerWorkflowId, type CiPollerView } from '../../core/contract';
import { ensureCiPoller } from '../../api/github/pollers';
import { composeApi } from '../../api/compose';
import { buildApi } from '../../api/server';
import { loadConfig } from '../../runtime/config';
import { normaliseSessionPayload } from '../../core/session/payload';
import { eventually, testAddress, uniqueId } from '../support/temporal';
import { http } from '../support/api';
import { JOB_LOGS } from '../unit/ci/job-logs';
import { useCiWorld, type CiWorld } from './ci-support';

describe('the CI poller', () => {
  const current = useCiWorld();
  let world: CiWorld;
  beforeEach(() => {
    world = current();
  });

  test('takes in each failed run once, across continue-as-new, and stops when the repository is unwatched', async () => {
    const playId = uniqueId('ci-poll');
    await world.startSession(playId);
    const pr = await world.openAgentPullRequest('feature/task-3-build', 'Task 3: build', {
      'src/orders.ts': 'export const total: number = "41";\n',
    });
    const actions = world.github.actions;
    const build = { name: 'build', conclusion: 'failure' as const, log: JOB_LOGS.tscBuild.lines.join('\n') };
    // Failed, but only after a few reads: the intake waits for the run to complete.
    actions.addRun(world.repo, {
      branch: 'feature/task-3-build',
      headSha: pr.headSha,
      conclusion: 'failure',
      pendingReads: 2,
      pullRequests: [pr.number],
      jobs: [build],
    });
    actions.addRun(world.repo, {
      branch: 'deps',
      headSha: 'a'.repeat(40),
      conclusion: 'failure',
      actor: 'renovate[bot]',
      jobs: [build],
    });
    actions.addRun(world.repo, { branch: 'main', headSha: 'b'.repeat(40), conclusion: 'success', jobs: [] });
    actions.addRun(world.repo, {
      branch: 'healer/incident-x',
      headSha: 'c'.repeat(40),
      conclusion: 'timed_out',
      jobs: [{ name: 'e2e', conclusion: 'timed_out', log: JOB_LOGS.runnerTimeout.lines.join('\n') }],
    });

    const workflowId = await ensureCiPoller(world.client, world.repo, { intervalMs: 300, taskQueue: world.taskQueue });
    expect(workflowId).toBe(ciPollerWorkflowId(world.repo));
    // Starting it again (a second session of the repository) keeps the running poller.
    await ensureCiPoller(world.client, world.repo, { intervalMs: 300, taskQueue: world.taskQueue });
    const poller = world.client.workflow.getHandle(workflowId!);
    const firstRunId = (await poller.describe()).runId;

    const view = await eventually(
      () => world.session(playId),
      (v) => v.detections.total === 1,
      30_000,
    );
    expect(view.fingerprints[0]).toMatchObject({ code: 'C1', taskId: '3', agent: 'rex' });
    expect(view.fingerprints[0].line).toContain('error TS2322');

    // A failure of a later push (a new run) while polling goes on, past the server's continue-as-new suggestion.
    actions.addRun(world.repo, {
      branch: 'feature/task-3-build',
      headSha: 'd'.repeat(40),
      conclusion: 'failure',
      pullRequests: [pr.number],
      jobs: [build],
    });
    const later = await eventually(
      () => poller.query(ciPollerStatusQuery),
      (v: CiPollerView) => v.polls >= 20,
      60_000,
    );
    expect((await poller.describe()).runId).not.toBe(firstRunId);
    expect(later).toMatchObject({ repo: world.repo, status: 'polling' });
    const folded = await world.session(playId);
    // Two failed pushes of the same failure: one fingerprint, one incident; the bot's and Healer's own runs skipped.
    expect(folded.detections).toMatchObject({ total: 2, unique: 1, byCode: { C1: 2 } });
    expect(folded.incidents).toHaveLength(1);
    expect(world.github.requests.filter((r) => r.path.startsWith('/_blobs/job-logs/')).length).toBeGreaterThanOrEqual(
      2,
    );

    expect((await http(`${world.api.url}/api/v1/session/${playId}/end`, 'POST', {})).status).toBe(202);
    await expect(poller.result()).resolves.toMatchObject({ status: 'stopped' });
  });

  test('pollers start with the API for HEALER_WATCH_REPOS, and with each session for its repository', async () => {
    const watched = `acme/watched-${uniqueId('w').replace(/[^a-z0-9-]/gi, '')}`;
    const config = loadConfig({
      TEMPORAL_ADDRESS: testAddress(),
      HEALER_LOG_LEVEL: 'silent',
      HEALER_CI_POLL_INTERVAL_MS: '60000',
      HEALER_WATCH_REPOS: watched,
    });
    const services = composeApi(config, world.client, { taskQueue: world.taskQueue });
    const app = await buildApi({ config, client: world.client, services });
    await app.ready();
    const playId = uniqueId('ci-poll-start');
    await services.sessions.start(
      normaliseSessionPayload({ play_id: playId, repository: world.repo, cto_config: { agents: {} }, tasks: [] }),
    );
    const pollers = [ciPollerWorkflowId(watched), ciPollerWorkflowId(world.repo)].map((id) =>
      world.client.workflow.getHandle(id),
    );
    for (const poller of pollers) expect((await poller.describe()).status.name).toBe('RUNNING');
    await app.close();
    for (const poller of pollers) await poller.terminate('test over');
    await services.sessions.end(playId);
  });
});
