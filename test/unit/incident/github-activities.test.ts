import { ApplicationFailure } from '@temporalio/common';
import { createGitHubActivities, createOctokit, type DryRunEffect } from '../../../activities/incident/github';
import { incidentMarker, issueLabels } from '../../../core/incident/render';
import { startFakeGitHub, type FakeGitHub } from '../../fakes/github';

const REPO = 'acme/app';

describe('GitHub activities against the fake GitHub API (real Octokit)', () => {
  let fake: FakeGitHub;
  let gh: ReturnType<typeof createGitHubActivities>;

  beforeEach(async () => {
    fake = await startFakeGitHub({ files: { 'src/lib.rs': 'fn main() {}\n', 'README.md': '# app\n' }, maxPerPage: 2 });
    gh = createGitHubActivities({ octokit: createOctokit('test-token', fake.url) });
  });
  afterEach(() => fake.stop());

  const issueInput = (id: string) => ({
    incidentId: id,
    repo: `https://github.com/${REPO}`,
    title: `[Healer R1] crash ${id}`,
    body: `body\n${incidentMarker(id)}`,
    labels: issueLabels('R1', 'critical'),
  });

  it('creates an issue once and finds it again by its marker across pages', async () => {
    for (let i = 0; i < 5; i++) await gh.findOrCreateIssue(issueInput(`other-${i}`));
    const first = await gh.findOrCreateIssue(issueInput('inc-1'));
    for (let i = 5; i < 9; i++) await gh.findOrCreateIssue(issueInput(`other-${i}`));
    const again = await gh.findOrCreateIssue(issueInput('inc-1'));
    expect(first.created).toBe(true);
    expect(again).toMatchObject({ created: false, number: first.number, dryRun: false });
    expect(fake.issues(REPO).filter((i) => i.body.includes(incidentMarker('inc-1')))).toHaveLength(1);
    expect(fake.issue(REPO, first.number!)!.labels).toEqual(['healer', 'R1', 'severity:critical']);
    // The marker was found through Link-header pagination (maxPerPage 2, 10 issues).
    expect(fake.requests.some((r) => r.path.includes('page=2'))).toBe(true);
  });

  it('a lost create response does not produce a second issue: the blip retry finds it', async () => {
    fake.fail({ method: 'POST', path: /\/issues$/, status: 'lost' });
    const issue = await gh.findOrCreateIssue(issueInput('inc-lost'));
    expect(issue.created).toBe(false); // the first try created it; its answer was lost
    expect(fake.issues(REPO)).toHaveLength(1);
    expect(fake.requests.filter((r) => r.method === 'POST' && r.path.endsWith('/issues'))).toHaveLength(1);
  });

  it('sends a read again after a blip, in place', async () => {
    fake.fail({ method: 'GET', path: /\/issues/, status: 502, times: 2 });
    expect((await gh.findOrCreateIssue(issueInput('inc-read-blip'))).created).toBe(true);
    expect(fake.pendingFailures()).toBe(0);
    // Two failed tries of the listing, then the one that answered.
    expect(fake.requests.filter((r) => r.method === 'GET' && r.path.startsWith(`/repos/${REPO}/issues?`))).toHaveLength(
      3,
    );
  });

  it('runs an effect again after a failed write; a third failure goes to Temporal as retryable', async () => {
    fake.fail({ method: 'POST', path: /\/issues$/, status: 502, times: 2 });
    expect((await gh.findOrCreateIssue(issueInput('inc-blip'))).created).toBe(true);
    fake.fail({ method: 'POST', path: /\/issues$/, status: 502, times: 3 });
    await expect(gh.findOrCreateIssue(issueInput('inc-blip-3'))).rejects.toMatchObject({
      type: 'GitHubUnavailable',
      nonRetryable: false,
    });
    expect(fake.pendingFailures()).toBe(0);
    expect(fake.issues(REPO)).toHaveLength(1);
  });

  it('falls back to search when the healer label was removed', async () => {
    const created = await gh.findOrCreateIssue(issueInput('inc-unlabelled'));
    fake.issue(REPO, created.number!)!.labels = [];
    const again = await gh.findOrCreateIssue(issueInput('inc-unlabelled'));
    expect(again).toMatchObject({ created: false, number: created.number });
    expect(fake.requests.some((r) => r.path.startsWith('/search/issues'))).toBe(true);
  });

  it('turns rate limits into a Temporal retry delay taken from the reset headers', async () => {
    fake.fail({ path: /\/issues$/, status: 403, resetAfterSecs: 7 });
    const err = (await gh.findOrCreateIssue(issueInput('inc-rl')).catch((e: unknown) => e)) as ApplicationFailure;
    expect(err).toBeInstanceOf(ApplicationFailure);
    expect(err.type).toBe('GitHubRateLimited');
    expect(Number(err.nextRetryDelay)).toBeGreaterThan(4000);
    expect(Number(err.nextRetryDelay)).toBeLessThanOrEqual(8000);

    // A secondary limit on a write: its delay goes to Temporal (reads wait out a few seconds in place).
    fake.fail({ method: 'POST', path: /\/issues$/, status: 429, resetAfterSecs: 3 });
    const secondary = (await gh.findOrCreateIssue(issueInput('inc-rl')).catch((e: unknown) => e)) as ApplicationFailure;
    expect(secondary.type).toBe('GitHubRateLimited');
    expect(secondary.nextRetryDelay).toBe(3000);
    expect((await gh.findOrCreateIssue(issueInput('inc-rl'))).created).toBe(true);
  });

  it('classifies 5xx as retryable and 422 as not', async () => {
    fake.fail({ method: 'POST', path: /\/issues$/, status: 503, times: 3 }); // past the blip retries
    await expect(gh.findOrCreateIssue(issueInput('x'))).rejects.toMatchObject({
      type: 'GitHubUnavailable',
      nonRetryable: false,
    });
    fake.fail({ method: 'POST', path: /\/issues$/, status: 422 });
    await expect(gh.findOrCreateIssue(issueInput('x'))).rejects.toMatchObject({
      type: 'GitHubRejected',
      nonRetryable: true,
    });
  });

  it('comments once per marker', async () => {
    const issue = await gh.findOrCreateIssue(issueInput('inc-c'));
    const a = await gh.commentOnce({ incidentId: 'inc-c', issue, kind: 'resolved', body: 'done' });
    const b = await gh.commentOnce({ incidentId: 'inc-c', issue, kind: 'resolved', body: 'done' });
    expect([a.posted, b.posted]).toEqual([true, false]);
    expect(fake.issue(REPO, issue.number!)!.comments).toHaveLength(1);
  });

  it('branch, commit, PR, files, CI and merge are idempotent', async () => {
    const branch = 'healer/inc-p';
    expect((await gh.ensureBranch({ incidentId: 'inc-p', repo: REPO, branch })).created).toBe(true);
    fake.fail({ method: 'POST', path: /\/git\/refs$/, status: 'lost' });
    expect((await gh.ensureBranch({ incidentId: 'inc-p', repo: REPO, branch })).created).toBe(false);
    const edits = [{ path: 'src/lib.rs', content: 'fn main() { println!("fixed"); }\n' }];
    // The commit landed but its answer was lost: the blip retry finds the content already there.
    fake.fail({ method: 'PUT', path: /\/contents\//, status: 'lost' });
    expect((await gh.commitFiles({ incidentId: 'inc-p', repo: REPO, branch, edits, message: 'fix' })).changed).toEqual(
      [],
    );
    expect(fake.file(REPO, 'src/lib.rs', branch)).toBe(edits[0].content);

    fake.fail({ method: 'POST', path: /\/pulls$/, status: 'lost' });
    const pr = await gh.findOrOpenPullRequest({
      incidentId: 'inc-p',
      repo: REPO,
      branch,
      title: 'Fix',
      body: 'Fixes #1',
    });
    expect(fake.pulls(REPO)).toHaveLength(1);
    expect((await gh.pullRequestFiles({ repo: REPO, number: pr.number! })).files).toEqual(['src/lib.rs']);

    expect((await gh.ciState({ repo: REPO, ref: pr.headSha! })).verdict).toBe('pending');
    expect((await gh.ciState({ repo: REPO, ref: pr.headSha! })).verdict).toBe('success');

    expect((await gh.mergePullRequest({ incidentId: 'inc-p', pr })).merged).toBe(true);
    expect((await gh.mergePullRequest({ incidentId: 'inc-p', pr })).merged).toBe(true);
    expect(fake.file(REPO, 'src/lib.rs')).toBe(edits[0].content);
  });

  it('reports CI failures with what failed', async () => {
    fake.setCiPlan(['failure']);
    const branch = 'healer/inc-f';
    await gh.ensureBranch({ incidentId: 'inc-f', repo: REPO, branch });
    await gh.commitFiles({
      incidentId: 'inc-f',
      repo: REPO,
      branch,
      edits: [{ path: 'a.txt', content: 'a' }],
      message: 'm',
    });
    const pr = await gh.findOrOpenPullRequest({ incidentId: 'inc-f', repo: REPO, branch, title: 'Fix', body: 'b' });
    await gh.ciState({ repo: REPO, ref: pr.headSha! });
    const ci = await gh.ciState({ repo: REPO, ref: pr.headSha! });
    expect(ci.verdict).toBe('failure');
    expect(ci.failures.join('\n')).toMatch(/check build: failure .*mismatched types/);
  });

  it('dry run records effects instead of sending them', async () => {
    const effects: DryRunEffect[] = [];
    const dry = createGitHubActivities({
      octokit: null,
      issuesRepo: 'acme/issues',
      dryRunStore: { record: async (e) => void effects.push(e) },
    });
    const issue = await dry.findOrCreateIssue(issueInput('inc-d'));
    expect(issue).toEqual({ repo: 'acme/issues', title: '[Healer R1] crash inc-d', dryRun: true, created: true });
    await dry.commentOnce({ incidentId: 'inc-d', issue, kind: 'proposal', body: 'try this' });
    expect(effects.map((e) => e.action)).toEqual(['create-issue', 'comment:proposal']);
    expect(fake.requests).toHaveLength(0);
  });
});
