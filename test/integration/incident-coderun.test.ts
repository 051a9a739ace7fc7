// coderun mode: Healer creates a remediation CodeRun in (fake) Kubernetes and waits durably for the PR a
// coding agent opens; the test plays the agent with the real Octokit against the fake GitHub.
import { createGitHubActivities, createOctokit } from '../../activities/incident/github';
import type { IncidentView } from '../../core/contract';
import { startFakeKubernetes, type FakeKubernetes } from '../fakes/kubernetes';
import { closeTestConnections, eventually } from '../support/temporal';
import { createHarness, detection, REPO, type Harness } from './incident-harness';

jest.setTimeout(120_000);
const CODERUNS = 'agents.platform/v1/coderuns';

describe('incident workflow, coderun mode', () => {
  let h: Harness;
  let kube: FakeKubernetes;
  beforeEach(async () => (kube = await startFakeKubernetes()));
  afterEach(async () => {
    await h?.close();
    await kube.close();
  });
  afterAll(() => closeTestConnections());

  it('creates one CodeRun, picks up the agent PR, verifies CI and resolves', async () => {
    h = await createHarness({ kube });
    await h.startWorkers();
    const handle = await h.start({ detection: detection(), remediation: { mode: 'coderun', syncTimeoutSecs: 60 } });
    const [run] = await eventually(
      async () => kube.list(CODERUNS, 'cto'),
      (runs) => runs.length === 1,
    );
    const branch = String(run.spec!.branch);
    // A worker restart while Healer waits for the agent's PR changes nothing.
    await h.stopWorkers();
    await h.startWorkers();
    const agent = createGitHubActivities({ octokit: createOctokit('agent-token', h.github.url) });
    await agent.ensureBranch({ incidentId: 'agent', repo: REPO, branch });
    await agent.commitFiles({
      incidentId: 'agent',
      repo: REPO,
      branch,
      edits: [{ path: 'src/lib.rs', content: 'fixed by agent\n' }],
      message: 'fix',
    });
    await agent.findOrOpenPullRequest({
      incidentId: 'agent',
      repo: REPO,
      branch,
      title: 'Agent fix',
      body: `Fixes #${run.spec!.issueNumber}`,
    });
    kube.modify(CODERUNS, 'cto', run.metadata.name, (o) => (o.status = { phase: 'Succeeded' }));
    const view = (await handle.result()) as IncidentView;
    expect(view).toMatchObject({ status: 'resolved', mode: 'coderun', pr: { title: 'Agent fix' } });
    expect(kube.list(CODERUNS, 'cto')).toHaveLength(1);
    expect(h.github.issues(REPO)).toHaveLength(1);
    expect(h.github.issues(REPO)[0].state).toBe('closed');
  });

  it('a long wait for the agent continues as new and keeps waiting for the same CodeRun', async () => {
    h = await createHarness({ kube });
    await h.startWorkers();
    const handle = await h.start({ detection: detection(), remediation: { mode: 'coderun', syncTimeoutSecs: 120 } });
    const [run] = await eventually(
      async () => kube.list(CODERUNS, 'cto'),
      (runs) => runs.length === 1,
    );
    // Polls every 0.2 s: the history passes the suite server's continue-as-new suggestion (120 events).
    await eventually(
      () => h.view(handle),
      (v) => v.events.some((e) => /continuing as new/.test(e.message)),
      60_000,
    );
    const branch = String(run.spec!.branch);
    const agent = createGitHubActivities({ octokit: createOctokit('agent-token', h.github.url) });
    await agent.ensureBranch({ incidentId: 'agent', repo: REPO, branch });
    await agent.commitFiles({
      incidentId: 'agent',
      repo: REPO,
      branch,
      edits: [{ path: 'src/lib.rs', content: 'fixed by agent\n' }],
      message: 'fix',
    });
    await agent.findOrOpenPullRequest({ incidentId: 'agent', repo: REPO, branch, title: 'Agent fix', body: 'fix' });
    const view = (await handle.result()) as IncidentView;
    expect(view).toMatchObject({ status: 'resolved', round: 1, pr: { title: 'Agent fix' } });
    expect(view.events.filter((e) => /CodeRun \S+ running/.test(e.message))).toHaveLength(1);
    expect(kube.list(CODERUNS, 'cto')).toHaveLength(1);
  });

  it('escalates when the agent opens no PR within syncTimeoutSecs', async () => {
    h = await createHarness({ kube });
    await h.startWorkers();
    const handle = await h.start({ detection: detection(), remediation: { mode: 'coderun', syncTimeoutSecs: 1 } });
    const view = (await handle.result()) as IncidentView;
    expect(view.status).toBe('escalated');
    expect(view.reason).toMatch(/no PR from CodeRun .* within 1 s/);
    expect(h.github.issues(REPO)[0].labels).toContain('needs-human');
  });

  it('runs without a model key (the coding agent needs none)', async () => {
    h = await createHarness({ kube, apiKey: null });
    await h.startWorkers();
    const handle = await h.start({
      detection: detection(),
      remediation: { mode: 'coderun', syncTimeoutSecs: 60, maxIterations: 1 },
    });
    const [run] = await eventually(
      async () => kube.list(CODERUNS, 'cto'),
      (runs) => runs.length === 1,
    );
    kube.modify(CODERUNS, 'cto', run.metadata.name, (o) => (o.status = { phase: 'Failed' }));
    const view = (await handle.result()) as IncidentView;
    expect(view.evaluatedBy).toMatch(/^rules \(no-key/);
    expect(view.status).toBe('escalated');
    expect(view.events.map((e) => e.message).join('\n')).toMatch(/ended Failed without a PR/);
  });
});
