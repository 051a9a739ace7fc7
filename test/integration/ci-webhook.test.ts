// GitHub webhook deliveries on the real API and dev server: signed with @octokit/webhooks, verified by the
// route, a failed run's job log fetched from the fake GitHub through its redirect, the failure delivered
// to the session of the task the branch names, the same failure on the next push folded into the same
// incident, and the incident resolved once the agent's next push passes.
import { Webhooks } from '@octokit/webhooks';
import { eventually, uniqueId } from '../support/temporal';
import { JOB_LOGS } from '../unit/ci/job-logs';
import { useCiWorld, WEBHOOK_SECRET, type CiWorld } from './ci-support';
import type { FakeRunSpec } from '../fakes/github-actions';

describe('CI failures through the GitHub webhook', () => {
  const current = useCiWorld();
  let world: CiWorld;
  beforeEach(() => {
    world = current();
  });

  const failingRun = (branch: string, headSha: string, pr: number, over: Partial<FakeRunSpec> = {}): FakeRunSpec => ({
    branch,
    headSha,
    conclusion: 'failure',
    pullRequests: [pr],
    jobs: [
      { name: 'lint', conclusion: 'success' },
      {
        name: 'test (ubuntu-latest, 20.x)',
        conclusion: 'failure',
        steps: [
          { name: 'Set up job', conclusion: 'success' },
          { name: 'Run tests', conclusion: 'failure' },
          { name: 'Upload coverage', conclusion: 'skipped' },
        ],
        // The fake stamps each line with its time, as GitHub does.
        log: JOB_LOGS.jestTest.lines.join('\n'),
      },
    ],
    ...over,
  });
  const resultOf = (workflowId: string) => world.client.workflow.getHandle(workflowId).result();

  test('signed deliveries are taken in once; tampered, unsigned or wrongly signed ones are refused with 401', async () => {
    const playId = uniqueId('ci-hook');
    await world.startSession(playId);
    const pr = await world.openAgentPullRequest('feature/task-3-orders', 'Task 3: orders API', {
      'src/orders.ts': 'export const total = 40 + 1;\n',
    });
    const run = world.github.actions.addRun(world.repo, failingRun('feature/task-3-orders', pr.headSha, pr.number));
    const payload = world.github.actions.webhookPayload(world.repo, run.id, 'workflow_run');
    const body = JSON.stringify(payload);

    const tampered = await world.deliver('workflow_run', undefined, {
      body: body.replace('"failure"', '"success"'),
      signature: await new Webhooks({ secret: WEBHOOK_SECRET }).sign(body),
    });
    expect(tampered).toMatchObject({ status: 401, body: { error: 'invalid_signature' } });
    expect((await world.deliver('workflow_run', payload, { secret: 'not the secret' })).status).toBe(401);
    expect(await world.deliver('workflow_run', payload, { signature: null })).toMatchObject({
      status: 401,
      body: { message: 'X-Hub-Signature-256 is missing' },
    });

    const delivery = uniqueId('delivery');
    const accepted = await world.deliver('workflow_run', payload, { delivery });
    expect(accepted).toMatchObject({ status: 202, body: { action: 'started', delivery, event: 'workflow_run' } });
    const intakeId = accepted.body.workflowId as string;
    expect(intakeId).toBe(`ci-run-${world.repo.replace('/', '-')}-${run.id}-1`);
    // GitHub redelivers, and reports the same run as a job and as a check run: nothing new is taken in.
    expect((await world.deliver('workflow_run', payload, { delivery })).body).toMatchObject({ action: 'duplicate' });
    const jobEvent = world.github.actions.webhookPayload(world.repo, run.id, 'workflow_job');
    expect((await world.deliver('workflow_job', jobEvent)).body).toMatchObject({
      action: 'duplicate',
      workflowId: intakeId,
    });
    const checkEvent = world.github.actions.webhookPayload(world.repo, run.id, 'check_run');
    const check = await world.deliver('check_run', checkEvent);
    expect(check.body).toMatchObject({ action: 'started' });
    await expect(resultOf(check.body.workflowId as string)).resolves.toMatchObject({
      status: 'skipped',
      reason: `handed over to ${intakeId}`,
    });
    expect((await world.deliver('ping', { zen: 'Keep it logically awesome.' })).body).toMatchObject({
      action: 'ignored',
      reason: 'ping',
    });

    await expect(resultOf(intakeId)).resolves.toMatchObject({
      status: 'delivered',
      target: `play-${playId}`,
      detections: 1,
      jobs: 1,
    });
    const view = await eventually(
      () => world.session(playId),
      (v) => v.detections.total === 1 && v.incidents.length === 1,
    );
    expect(view.detections.byCode).toEqual({ C2: 1 });
    expect(view.fingerprints[0]).toMatchObject({
      code: 'C2',
      agent: 'rex',
      taskId: '3',
      line: '[CI CI / test (ubuntu-latest, 20.x) › Run tests] FAIL src/orders.test.ts',
    });
    // The log came through GitHub's redirect to the download URL.
    expect(world.github.requests.some((r) => r.path.startsWith('/_blobs/job-logs/'))).toBe(true);
  });

  test('the same failure on the next push is evidence for the open incident, which resolves when a later push passes', async () => {
    const playId = uniqueId('ci-fold');
    await world.startSession(playId);
    const branch = 'rex/task-4-widgets';
    const pr = await world.openAgentPullRequest(branch, 'Widgets', { 'src/widgets.ts': 'export const w = 1;\n' });
    const first = world.github.actions.addRun(world.repo, failingRun(branch, pr.headSha, pr.number));
    expect(
      (await world.deliver('workflow_job', world.github.actions.webhookPayload(world.repo, first.id, 'workflow_job')))
        .status,
    ).toBe(202);
    const opened = await eventually(
      () => world.session(playId),
      (v) => v.incidents.length === 1,
    );
    const incidentId = opened.incidents[0].id;
    // Task 4's agent is blaze; the branch names rex, but the task decides.
    expect(opened.fingerprints[0]).toMatchObject({ taskId: '4', agent: 'blaze' });

    const second = world.github.actions.addRun(world.repo, failingRun(branch, 'f'.repeat(40), pr.number));
    await world.deliver('workflow_run', world.github.actions.webhookPayload(world.repo, second.id, 'workflow_run'));
    const folded = await eventually(
      () => world.session(playId),
      (v) => v.detections.total === 2,
    );
    expect(folded.detections.unique).toBe(1);
    expect(folded.incidents.map((i) => i.id)).toEqual([incidentId]);

    // No model: the fix is proposed on the issue and the incident waits for the workflow to pass on the branch.
    const waiting = await eventually(
      () => world.client.workflow.getHandle(incidentId).query<{ step: string; occurrences: number }>('status'),
      (v) => v.step === 'verifying',
    );
    expect(waiting.occurrences).toBeGreaterThanOrEqual(1);
    world.github.actions.addRun(world.repo, {
      branch,
      headSha: 'e'.repeat(40),
      conclusion: 'success',
      jobs: [{ name: 'test (ubuntu-latest, 20.x)', conclusion: 'success' }],
    });
    const done = await eventually(
      () => world.session(playId),
      (v) => v.incidents[0]?.status === 'resolved',
      30_000,
    );
    const issue = world.github.issues(world.repo).find((i) => i.number === done.incidents[0].issue?.number)!;
    expect(issue.title).toMatch(/^\[Healer C2\] /);
    expect(issue.state).toBe('closed');
    expect(issue.body).toContain('FAIL src/orders.test.ts');
    expect(issue.comments.map((c) => c.body).join('\n')).toMatch(/saw \*\*CI\*\* pass on `rex\/task-4-widgets`/);
  });

  test('runs of ignored bots, commits with [skip healer] and runs already fixed are skipped with the reason', async () => {
    const playId = uniqueId('ci-skip');
    await world.startSession(playId);
    const bot = world.github.actions.addRun(
      world.repo,
      failingRun('deps/bump', 'a'.repeat(40), 1, { actor: 'dependabot[bot]', pullRequests: [] }),
    );
    const optedOut = world.github.actions.addRun(
      world.repo,
      failingRun('spike', 'b'.repeat(40), 1, { commitMessage: 'try it [skip healer]', pullRequests: [] }),
    );
    const fixed = world.github.actions.addRun(world.repo, failingRun('fixed', 'c'.repeat(40), 1, { pullRequests: [] }));
    world.github.actions.addRun(world.repo, {
      ...failingRun('fixed', 'd'.repeat(40), 1),
      conclusion: 'success',
      pullRequests: [],
    });
    const reasons: string[] = [];
    for (const run of [bot, optedOut, fixed]) {
      const answer = await world.deliver(
        'workflow_run',
        world.github.actions.webhookPayload(world.repo, run.id, 'workflow_run'),
      );
      reasons.push(((await resultOf(answer.body.workflowId as string)) as { reason: string }).reason);
    }
    expect(reasons).toEqual([
      expect.stringMatching(/triggered by dependabot\[bot\], an ignored actor/),
      expect.stringMatching(/carries \[skip healer\]/),
      expect.stringMatching(/passed since/),
    ]);
    expect((await world.session(playId)).detections.total).toBe(0);
  });
});

describe('the webhook without a secret', () => {
  const current = useCiWorld({ secret: null });
  let world: CiWorld;
  beforeEach(() => {
    world = current();
  });

  test('refuses every delivery with 503 naming GITHUB_WEBHOOK_SECRET', async () => {
    const answer = await world.deliver('ping', {}, { secret: 'anything' });
    expect(answer).toMatchObject({ status: 503, body: { error: 'webhook_not_configured' } });
    expect(answer.body.message).toMatch(/GITHUB_WEBHOOK_SECRET/);
  });
});
