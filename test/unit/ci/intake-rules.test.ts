// The pure rules of the CI intake: which runs are taken on, whose they are, which webhook deliveries
// start an intake, and the fingerprint that folds one failure across pushes and matrix legs.
import { attributeRun, taskIdsMentioned, type CiSessionCandidate } from '../../../core/ci/attribution';
import { classifyJobLog } from '../../../core/ci/classify';
import { ciDetection } from '../../../core/ci/detection';
import { ciFingerprint, normaliseJobName } from '../../../core/ci/fingerprint';
import { jobLogLines } from '../../../core/ci/job-log';
import { parseCiRemediation } from '../../../core/ci/remediation';
import { firstFailedStep, type CiJobSummary, type CiRunSummary } from '../../../core/ci/run';
import { DEFAULT_IGNORED_ACTORS, fixedByLaterRun, scopeOfRun } from '../../../core/ci/scope';
import { LATEST_ATTEMPT, webhookDecision } from '../../../core/ci/webhook-events';
import { asGitHubLog, JOB_LOGS } from './job-logs';

const run = (over: Partial<CiRunSummary> = {}): CiRunSummary => ({
  id: 100,
  attempt: 1,
  runNumber: 7,
  workflowId: 5,
  workflowName: 'CI',
  workflowPath: '.github/workflows/ci.yml',
  headBranch: 'feature/task-3-orders',
  headSha: 'abc123',
  event: 'pull_request',
  status: 'completed',
  conclusion: 'failure',
  actor: 'rex-agent[bot]',
  headCommitMessage: 'Implement orders',
  createdAt: '2026-03-01T10:00:00Z',
  pullRequests: [12],
  ...over,
});
const rules = { ignoredActors: DEFAULT_IGNORED_ACTORS, skipMarker: '[skip healer]', ownBranchPrefix: 'healer/' };

describe('scope', () => {
  test('a completed failed run of an agent branch is taken on', () => {
    expect(scopeOfRun(run(), rules)).toEqual({ inScope: true });
    expect(scopeOfRun(run({ conclusion: 'timed_out' }), rules)).toEqual({ inScope: true });
  });

  test.each([
    ['in progress', run({ status: 'in_progress', conclusion: null }), /in_progress, not completed/],
    ['cancelled', run({ conclusion: 'cancelled' }), /concluded cancelled/],
    ['a bot', run({ actor: 'Dependabot[bot]' }), /ignored actor/],
    ['triggered by a bot', run({ triggeringActor: 'renovate[bot]' }), /renovate\[bot\], an ignored actor/],
    ['opted out', run({ headCommitMessage: 'wip [Skip Healer]' }), /carries \[skip healer\]/],
    ["Healer's own branch", run({ headBranch: 'healer/incident-p-1' }), /verification loop/],
  ])('skipped when %s', (_why, candidate, reason) => {
    const verdict = scopeOfRun(candidate, rules);
    expect(verdict.inScope).toBe(false);
    expect(!verdict.inScope && verdict.reason).toMatch(reason);
  });

  test('a later passing run of the same workflow and branch fixed it; other branches and workflows do not count', () => {
    const failed = run();
    expect(fixedByLaterRun(failed, [run({ id: 101, runNumber: 8, conclusion: 'success' })])?.runNumber).toBe(8);
    expect(fixedByLaterRun(failed, [run({ id: 99, runNumber: 6, conclusion: 'success' })])).toBeUndefined();
    expect(
      fixedByLaterRun(failed, [run({ id: 102, runNumber: 8, conclusion: 'success', headBranch: 'main' })]),
    ).toBeUndefined();
    expect(
      fixedByLaterRun(failed, [run({ id: 103, runNumber: 8, conclusion: 'success', workflowId: 6 })]),
    ).toBeUndefined();
    expect(fixedByLaterRun(failed, [run({ id: 104, runNumber: 9, conclusion: 'failure' })])).toBeUndefined();
  });
});

describe('attribution', () => {
  const session = (playId: string, startedAt: string, tasks: CiSessionCandidate['tasks']): CiSessionCandidate => ({
    playId,
    workflowId: `play-${playId}`,
    startedAt,
    tasks,
    agents: [{ name: 'rex' }, { name: 'blaze' }],
  });
  const older = session('old', '2026-03-01T08:00:00Z', [{ id: '3', agentHint: 'blaze' }]);
  const newer = session('new', '2026-03-01T09:00:00Z', [{ id: '1', agentHint: 'rex' }]);

  test('task ids are read from branch names and PR titles', () => {
    expect(taskIdsMentioned('feature/task-3-orders', 'Task 12: add totals')).toEqual(['3', '12']);
    expect(taskIdsMentioned('rex/task_7', '[TASK#8] x')).toEqual(['7', '8']);
    expect(taskIdsMentioned('main', undefined)).toEqual([]);
  });

  test("the session with the named task wins, with the task's agent", () => {
    expect(attributeRun({ headBranch: 'feature/task-3-orders' }, [newer, older])).toMatchObject({
      kind: 'session',
      playId: 'old',
      taskId: '3',
      agent: 'blaze',
    });
    expect(attributeRun({ headBranch: 'fix', pullRequestTitle: 'Task 1: totals' }, [older, newer])).toMatchObject({
      playId: 'new',
      taskId: '1',
      agent: 'rex',
    });
  });

  test("otherwise the repository's newest session, with an agent named by the branch", () => {
    expect(attributeRun({ headBranch: 'rex/refactor' }, [older, newer])).toMatchObject({ playId: 'new', agent: 'rex' });
    expect(attributeRun({ headBranch: 'task-99' }, [older])).toMatchObject({ playId: 'old' });
  });

  test('no session: the platform session', () => {
    expect(attributeRun({ headBranch: 'main' }, [])).toEqual({
      kind: 'platform',
      why: 'no active session for the repository',
    });
  });
});

describe('fingerprint', () => {
  const base = {
    repo: 'acme/app',
    workflow: '.github/workflows/ci.yml',
    jobName: 'test',
    failedStep: 'Run tests',
    signature: 'C2:src/orders.test.ts',
  };

  test('matrix legs of a job are one failure; the signature, step, workflow and repository tell failures apart', () => {
    expect(normaliseJobName('test (ubuntu-latest, 20.x)')).toBe('test');
    const fp = ciFingerprint(base);
    expect(ciFingerprint({ ...base, jobName: 'test (ubuntu-latest, 22.x)' })).toBe(fp);
    expect(ciFingerprint({ ...base, repo: 'ACME/app' })).toBe(fp);
    for (const change of [
      { signature: 'C2:src/other.test.ts' },
      { failedStep: 'Lint' },
      { workflow: '.github/workflows/e2e.yml' },
      { repo: 'acme/other' },
    ])
      expect(ciFingerprint({ ...base, ...change })).not.toBe(fp);
    expect(fp).toMatch(/^[0-9a-f]{16}$/);
  });

  test('the same failure on the next push (new run, job ids, sha, time) has the same fingerprint', () => {
    const job = (id: number): CiJobSummary => ({
      id,
      runId: id,
      runAttempt: 1,
      name: 'test (ubuntu-latest, 20.x)',
      status: 'completed',
      conclusion: 'failure',
      steps: [
        { number: 1, name: 'Set up job', status: 'completed', conclusion: 'success' },
        { number: 3, name: 'Lint', status: 'completed', conclusion: 'skipped' },
        { number: 2, name: 'Run tests', status: 'completed', conclusion: 'failure' },
      ],
    });
    expect(firstFailedStep(job(1))).toBe('Run tests');
    const fixture = JOB_LOGS.jestTest;
    const classification = classifyJobLog(jobLogLines(asGitHubLog(fixture.lines)), fixture.step, fixture.job);
    const first = ciDetection({
      repo: 'acme/app',
      run: run(),
      job: job(1),
      classification,
      observedAt: '2026-03-01T10:00:00Z',
    });
    const next = ciDetection({
      repo: 'acme/app',
      run: run({ id: 200, runNumber: 8, headSha: 'def456' }),
      job: job(2),
      classification,
      observedAt: '2026-03-01T11:00:00Z',
    });
    expect(next.fingerprint).toBe(first.fingerprint);
    expect(first).toMatchObject({
      code: 'C2',
      source: 'github-actions',
      line: '[CI CI / test (ubuntu-latest, 20.x) › Run tests] FAIL src/orders.test.ts',
      ci: {
        runId: 100,
        jobId: 1,
        failedStep: 'Run tests',
        headBranch: 'feature/task-3-orders',
        signature: 'C2:src/orders.test.ts',
      },
    });
  });

  test('the detection line is redacted', () => {
    const classification = classifyJobLog(
      ['Error: Bad credentials token=ghp_abcdefghijklmnopqrstuvwxyz0123456789'],
      'Deploy',
      'deploy',
    );
    const job: CiJobSummary = {
      id: 1,
      runId: 1,
      runAttempt: 1,
      name: 'deploy',
      status: 'completed',
      conclusion: 'failure',
      steps: [],
    };
    const detection = ciDetection({
      repo: 'acme/app',
      run: run(),
      job,
      classification,
      observedAt: '2026-03-01T10:00:00Z',
    });
    expect(detection.code).toBe('C6');
    expect(detection.line).not.toContain('ghp_');
  });
});

describe('webhook deliveries', () => {
  const repository = { full_name: 'acme/app' };

  test('failed workflow_run and workflow_job start the intake of their run attempt', () => {
    expect(
      webhookDecision('workflow_run', {
        action: 'completed',
        repository,
        workflow_run: { id: 5, run_attempt: 2, conclusion: 'failure' },
      }),
    ).toEqual({ kind: 'run', repo: 'acme/app', runId: 5, runAttempt: 2 });
    expect(
      webhookDecision('workflow_job', {
        action: 'completed',
        repository,
        workflow_job: { id: 9, run_id: 5, run_attempt: 1, conclusion: 'timed_out' },
      }),
    ).toEqual({ kind: 'run', repo: 'acme/app', runId: 5, runAttempt: 1 });
  });

  test('a GitHub Actions check run names its run in its details URL, not its attempt', () => {
    const check = {
      conclusion: 'failure',
      app: { slug: 'github-actions' },
      details_url: 'https://github.com/acme/app/actions/runs/77/job/88',
    };
    expect(webhookDecision('check_run', { action: 'completed', repository, check_run: check })).toEqual({
      kind: 'run',
      repo: 'acme/app',
      runId: 77,
      runAttempt: LATEST_ATTEMPT,
    });
    expect(
      webhookDecision('check_run', {
        action: 'completed',
        repository,
        check_run: { ...check, app: { slug: 'circleci' } },
      }),
    ).toMatchObject({ kind: 'ignored', reason: /another app/ });
  });

  test.each([
    ['ping', {}, /ping/],
    ['push', { repository }, /not a CI event/],
    ['workflow_run', { action: 'requested', repository, workflow_run: { id: 5 } }, /workflow_run requested/],
    [
      'workflow_run',
      { action: 'completed', repository, workflow_run: { id: 5, conclusion: 'success' } },
      /concluded success/,
    ],
    ['workflow_run', { action: 'completed', workflow_run: { id: 5, conclusion: 'failure' } }, /names no repository/],
    ['workflow_job', { action: 'completed', repository, workflow_job: { conclusion: 'failure' } }, /without a run_id/],
  ])('%s is acknowledged and ignored (%#)', (event, payload, reason) => {
    expect(webhookDecision(event, payload)).toMatchObject({ kind: 'ignored', reason: expect.stringMatching(reason) });
  });
});

describe('CI remediation settings', () => {
  test('defaults, both spellings, and bad values kept at the default with a warning', () => {
    expect(parseCiRemediation(undefined)).toEqual({
      settings: { report: 'issue', commitToPrBranch: false },
      warnings: [],
    });
    expect(parseCiRemediation({ ciReport: 'pr-comment', ci_commit_to_pr_branch: true }).settings).toEqual({
      report: 'pr-comment',
      commitToPrBranch: true,
    });
    expect(parseCiRemediation({ ci_report: 'slack', ciCommitToPrBranch: 'yes' }).warnings).toEqual([
      'remediation.ciReport: expected "issue" or "pr-comment", using issue',
      'remediation.ciCommitToPrBranch: expected true or false, using false',
    ]);
  });
});
