// A CI failure healed through the whole chain on the real dev server: the webhook delivers a failed run of
// the agent's PR, the model evaluates it with the job's log window and the PR diff, Healer reports on the
// agent's PR (pr-comment mode), commits its fix on the agent's branch, the next run of the workflow fails,
// the failure is fed back, the second fix passes, and the incident resolves without closing the PR.
import { eventually, uniqueId } from '../support/temporal';
import { EVAL_MODEL, PATCH_MODEL } from '../fakes/model-gateway';
import type { FakeRunSpec } from '../fakes/github-actions';
import { JOB_LOGS } from '../unit/ci/job-logs';
import { useCiWorld, type CiWorld } from './ci-support';

const evaluation = {
  summary: 'Order total off by one',
  rootCause: 'total is hard-coded to 41 in src/orders.ts',
  category: 'code',
  severity: 'high',
  confidence: 0.8,
  affectedFiles: ['src/orders.ts'],
  suggestedFix: 'Compute the total from the line items',
};
const patch = (n: number) => ({
  summary: `Compute the order total (${n})`,
  explanation: 'Sum the line items.',
  edits: [{ path: 'src/orders.ts', content: `export const total = 40 + 2; // round ${n}\n` }],
});

describe('a CI failure healed through the chain', () => {
  const current = useCiWorld({ model: true });
  let world: CiWorld;
  beforeEach(() => {
    world = current();
  });

  test('fix committed on the agent branch, CI failing then passing, reported on the agent PR', async () => {
    const gemini = world.gemini!;
    gemini.script(EVAL_MODEL, { kind: 'ok', answer: evaluation });
    gemini.script(PATCH_MODEL, { kind: 'ok', answer: patch(1) }, { kind: 'ok', answer: patch(2) });
    const playId = uniqueId('ci-heal');
    await world.startSession(playId, { ciReport: 'pr-comment', ciCommitToPrBranch: true, maxIterations: 3 });
    const branch = 'feature/task-3-orders';
    const pr = await world.openAgentPullRequest(branch, 'Task 3: orders API', {
      'src/orders.ts': 'export const total = 41;\nexport const items = [40, 2];\n',
    });
    const failing = (headSha: string): FakeRunSpec => ({
      branch,
      headSha,
      conclusion: 'failure',
      pullRequests: [pr.number],
      jobs: [{ name: 'test', conclusion: 'failure', log: JOB_LOGS.jestTest.lines.join('\n') }],
    });
    // Healer's pushes to the branch run CI: the first fix still fails, the second passes.
    const outcomes = ['failure', 'success'];
    world.github.actions.onPush(world.repo, (pushed, sha, message) => {
      if (pushed !== branch || !message.startsWith('healer:')) return undefined;
      const outcome = outcomes.shift() ?? 'success';
      return outcome === 'failure'
        ? failing(sha)
        : {
            branch,
            headSha: sha,
            conclusion: 'success',
            pullRequests: [pr.number],
            jobs: [{ name: 'test', conclusion: 'success' }],
          };
    });

    const run = world.github.actions.addRun(world.repo, failing(pr.headSha));
    const delivered = await world.deliver(
      'workflow_run',
      world.github.actions.webhookPayload(world.repo, run.id, 'workflow_run'),
    );
    expect(delivered.status).toBe(202);

    const done = await eventually(
      () => world.session(playId),
      (v) => v.incidents.length === 1 && v.incidents[0].status !== 'open',
      60_000,
    );
    const incident = done.incidents[0];
    expect(incident).toMatchObject({ code: 'C2', status: 'resolved', pr: { number: pr.number, dryRun: false } });

    // The model saw the failed job's log window and the PR's diff.
    const evaluate = gemini.requests.find((r) => r.model === EVAL_MODEL)!;
    expect(evaluate.body).toContain('FAIL src/orders.test.ts');
    expect(evaluate.body).toContain('PULL REQUEST DIFF');
    expect(evaluate.body).toContain('+export const total = 41;');
    // The second remediation round was told why the first one failed CI.
    const rounds = gemini.requests.filter((r) => r.model === PATCH_MODEL);
    expect(rounds).toHaveLength(2);
    expect(rounds[1].body).toContain('CI FAILURE OF THE PREVIOUS ROUND');

    // The fix is on the agent's branch, in the agent's PR, which stays open; no issue and no branch of Healer's own.
    expect(world.github.file(world.repo, 'src/orders.ts', branch)).toBe('export const total = 40 + 2; // round 2\n');
    const agentPr = world.github.issue(world.repo, pr.number)!;
    expect(agentPr.state).toBe('open');
    const comments = agentPr.comments.map((c) => c.body);
    expect(comments.some((c) => c.includes('## C2: Order total off by one'))).toBe(true);
    expect(comments.some((c) => c.includes('CI failed for remediation round 1'))).toBe(true);
    expect(comments.some((c) => c.includes('Healer verified the fix'))).toBe(true);
    expect(world.github.issues(world.repo)).toHaveLength(0);
    expect(world.github.branches(world.repo).filter((b) => b.startsWith('healer/'))).toEqual([]);
  });
});
