// GitHub Actions for the fake GitHub (test/fakes/github.ts): workflow runs with their jobs and steps, and
// job logs behind GitHub's redirect. It answers what Octokit calls, in GitHub's shapes: runs listed newest
// first with `status`, `created`, `branch`, `head_sha` filters and Link pagination, jobs of a run attempt,
// and `GET /actions/jobs/{id}/logs` → 302 to a short-lived, unauthenticated blob URL serving text/plain.
// Tests add runs directly, or let a push to a branch start one (`onPush`), as a workflow `on: push` would.

type Json = Record<string, unknown>;

export type RunConclusion = 'success' | 'failure' | 'timed_out' | 'cancelled' | 'startup_failure';

export interface FakeJobSpec {
  name: string;
  conclusion: RunConclusion | 'skipped';
  /** Steps in order; the default is checkout, then one step `Run tests` with the job's conclusion. */
  steps?: Array<{ name: string; conclusion: RunConclusion | 'skipped' }>;
  /** The job log as GitHub serves it (timestamps are added to lines that have none). */
  log?: string;
}

export interface FakeRunSpec {
  /** Workflow name (default `CI`) and file (default `.github/workflows/ci.yml`). */
  workflow?: string;
  path?: string;
  branch: string;
  headSha: string;
  event?: string;
  conclusion: RunConclusion;
  /** Reads of the run (its GET, or any listing of the repository's runs) that still report it `in_progress` (default 0). */
  pendingReads?: number;
  actor?: string;
  commitMessage?: string;
  pullRequests?: number[];
  attempt?: number;
  jobs: FakeJobSpec[];
}

interface RunRecord {
  spec: FakeRunSpec;
  id: number;
  workflowId: number;
  runNumber: number;
  createdAt: string;
  pendingReads: number;
  jobs: Array<{ id: number; spec: FakeJobSpec }>;
}

interface PageResult {
  status: number;
  body: unknown;
  headers?: Record<string, string>;
}

/** What the fake GitHub hands to this module: its base URL and its pagination (Link headers). */
export interface ActionsHost {
  baseUrl(): string;
  page(url: URL, items: unknown[], wrap: (items: unknown[]) => unknown): PageResult;
}

const STAMP = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?Z /;

export class FakeActions {
  private readonly runs = new Map<string, RunRecord[]>();
  private readonly workflows = new Map<string, Array<{ id: number; name: string; path: string; runs: number }>>();
  private readonly pushPlans = new Map<
    string,
    (branch: string, sha: string, message: string) => FakeRunSpec | undefined
  >();
  private readonly expiredLogs = new Set<number>();
  private nextRunId = 7_000_000_001;
  private nextJobId = 30_000_000_001;
  /** Every log download URL handed out, with the job it serves. */
  readonly blobs = new Map<string, number>();

  constructor(private readonly host: ActionsHost) {}

  // ── test controls ──────────────────────────────────────────────────────────────────────────────────

  addRun(repo: string, spec: FakeRunSpec): { id: number; jobIds: number[]; runNumber: number; workflowId: number } {
    const workflow = this.workflow(repo, spec.workflow ?? 'CI', spec.path ?? '.github/workflows/ci.yml');
    workflow.runs += 1;
    const record: RunRecord = {
      spec,
      id: this.nextRunId++,
      workflowId: workflow.id,
      runNumber: workflow.runs,
      createdAt: new Date().toISOString(),
      pendingReads: spec.pendingReads ?? 0,
      jobs: spec.jobs.map((job) => ({ id: this.nextJobId++, spec: job })),
    };
    this.runs.set(repo, [...(this.runs.get(repo) ?? []), record]);
    return {
      id: record.id,
      jobIds: record.jobs.map((job) => job.id),
      runNumber: record.runNumber,
      workflowId: record.workflowId,
    };
  }

  /** Each push to a branch of `repo` starts the run `plan` returns (none when it returns undefined). */
  onPush(repo: string, plan: (branch: string, sha: string, message: string) => FakeRunSpec | undefined): void {
    this.pushPlans.set(repo, plan);
  }

  /** GitHub keeps logs for a while; after that the log endpoint answers 410 Gone. */
  expireLog(jobId: number): void {
    this.expiredLogs.add(jobId);
  }

  runsOf(repo: string): Array<{ id: number; branch: string; headSha: string; conclusion: RunConclusion }> {
    return (this.runs.get(repo) ?? []).map((run) => ({
      id: run.id,
      branch: run.spec.branch,
      headSha: run.spec.headSha,
      conclusion: run.spec.conclusion,
    }));
  }

  /** A webhook payload as GitHub would deliver it for this run (`workflow_run`) or its first failed job. */
  webhookPayload(repo: string, runId: number, event: 'workflow_run' | 'workflow_job' | 'check_run'): Json {
    const run = this.mustRun(repo, runId);
    const repository = { id: 1, full_name: repo, name: repo.split('/')[1], owner: { login: repo.split('/')[0] } };
    const sender = { login: run.spec.actor ?? 'rex-agent[bot]', type: 'Bot' };
    if (event === 'workflow_run')
      return { action: 'completed', workflow_run: this.runJson(repo, run), repository, sender };
    const job = run.jobs.find((j) => j.spec.conclusion !== 'success') ?? run.jobs[0];
    if (event === 'workflow_job')
      return { action: 'completed', workflow_job: this.jobJson(repo, run, job), repository, sender };
    return {
      action: 'completed',
      check_run: {
        id: job.id,
        name: job.spec.name,
        status: 'completed',
        conclusion: job.spec.conclusion,
        head_sha: run.spec.headSha,
        details_url: `${this.host.baseUrl()}/${repo}/actions/runs/${run.id}/job/${job.id}`,
        app: { slug: 'github-actions', name: 'GitHub Actions' },
      },
      repository,
      sender,
    };
  }

  // ── HTTP (called by the fake GitHub) ───────────────────────────────────────────────────────────────

  /** A push landed on `branch` (contents API): start the planned run, if any. */
  pushed(repo: string, branch: string, sha: string, message: string): void {
    const spec = this.pushPlans.get(repo)?.(branch, sha, message);
    if (spec) this.addRun(repo, spec);
  }

  /** The download URL's answer: the log text, without authentication (the URL itself is the credential). */
  blob(url: URL): { status: number; body: string; contentType: string } {
    const jobId = this.blobs.get(url.pathname + url.search);
    if (jobId === undefined) return { status: 404, body: 'BlobNotFound', contentType: 'text/plain' };
    for (const [, runs] of this.runs) {
      for (const run of runs) {
        const job = run.jobs.find((j) => j.id === jobId);
        if (job) return { status: 200, body: this.logText(run, job.spec), contentType: 'text/plain; charset=utf-8' };
      }
    }
    return { status: 404, body: 'BlobNotFound', contentType: 'text/plain' };
  }

  /** Routes under `/repos/{owner}/{repo}/actions`; undefined when the path is not an Actions one. */
  route(method: string, url: URL, repo: string, rest: string): PageResult | undefined {
    if (method !== 'GET' || !rest.startsWith('/actions/')) return undefined;
    const q = url.searchParams;
    let m: RegExpMatchArray | null;
    if (rest === '/actions/runs' || (m = rest.match(/^\/actions\/workflows\/([^/]+)\/runs$/))) {
      const workflowRef = rest === '/actions/runs' ? undefined : decodeURIComponent(m![1]);
      const workflow = workflowRef && this.findWorkflow(repo, workflowRef);
      if (workflowRef && !workflow) return notFound();
      const since = q.get('created')?.replace(/^>=/, '');
      // Each listing is a moment later for every run still in progress.
      for (const run of this.runs.get(repo) ?? []) this.read(run);
      const runs = (this.runs.get(repo) ?? [])
        .filter(
          (run) =>
            (!workflow || run.workflowId === workflow.id) &&
            (!q.get('branch') || run.spec.branch === q.get('branch')) &&
            (!q.get('head_sha') || run.spec.headSha === q.get('head_sha')) &&
            (!since || run.createdAt >= since) &&
            this.matchesStatus(run, q.get('status')),
        )
        .reverse();
      const items = runs.map((run) => this.runJson(repo, run));
      return this.host.page(url, items, (page) => ({ total_count: items.length, workflow_runs: page }));
    }
    if ((m = rest.match(/^\/actions\/runs\/(\d+)$/))) {
      const run = this.findRun(repo, Number(m[1]));
      return run ? { status: 200, body: this.runJson(repo, this.read(run)) } : notFound();
    }
    if ((m = rest.match(/^\/actions\/runs\/(\d+)(?:\/attempts\/(\d+))?\/jobs$/))) {
      const run = this.findRun(repo, Number(m[1]));
      if (!run || (m[2] && Number(m[2]) > (run.spec.attempt ?? 1))) return notFound();
      const items = run.jobs.map((job) => this.jobJson(repo, run, job));
      return this.host.page(url, items, (page) => ({ total_count: items.length, jobs: page }));
    }
    if ((m = rest.match(/^\/actions\/jobs\/(\d+)(\/logs)?$/))) {
      const jobId = Number(m[1]);
      const run = (this.runs.get(repo) ?? []).find((r) => r.jobs.some((job) => job.id === jobId));
      if (!run) return notFound();
      if (!m[2])
        return {
          status: 200,
          body: this.jobJson(
            repo,
            run,
            run.jobs.find((job) => job.id === jobId)!,
          ),
        };
      if (this.expiredLogs.has(jobId)) return { status: 410, body: { message: 'Gone' } };
      const path = `/_blobs/job-logs/${jobId}?sig=${(jobId * 7919).toString(36)}&se=60`;
      this.blobs.set(path, jobId);
      return { status: 302, body: '', headers: { location: `${this.host.baseUrl()}${path}` } };
    }
    return notFound();
  }

  // ── GitHub's shapes ────────────────────────────────────────────────────────────────────────────────

  private runJson(repo: string, run: RunRecord): Json {
    const base = this.host.baseUrl();
    const workflow = this.workflowById(repo, run.workflowId)!;
    const actor = { login: run.spec.actor ?? 'rex-agent[bot]', type: 'Bot' };
    const completed = run.pendingReads <= 0;
    return {
      id: run.id,
      name: workflow.name,
      node_id: `WFR_${run.id}`,
      head_branch: run.spec.branch,
      head_sha: run.spec.headSha,
      path: workflow.path,
      display_title: run.spec.commitMessage ?? `Run of ${workflow.name}`,
      run_number: run.runNumber,
      event: run.spec.event ?? 'pull_request',
      status: completed ? 'completed' : 'in_progress',
      conclusion: completed ? run.spec.conclusion : null,
      workflow_id: workflow.id,
      check_suite_id: run.id + 1,
      url: `${base}/repos/${repo}/actions/runs/${run.id}`,
      html_url: `${base}/${repo}/actions/runs/${run.id}`,
      jobs_url: `${base}/repos/${repo}/actions/runs/${run.id}/jobs`,
      logs_url: `${base}/repos/${repo}/actions/runs/${run.id}/logs`,
      pull_requests: (run.spec.pullRequests ?? []).map((number) => ({
        id: number + 200000,
        number,
        url: `${base}/repos/${repo}/pulls/${number}`,
        head: { ref: run.spec.branch, sha: run.spec.headSha },
      })),
      created_at: run.createdAt,
      updated_at: run.createdAt,
      run_attempt: run.spec.attempt ?? 1,
      run_started_at: run.createdAt,
      actor,
      triggering_actor: actor,
      head_commit: {
        id: run.spec.headSha,
        tree_id: run.spec.headSha,
        message: run.spec.commitMessage ?? 'update',
        timestamp: run.createdAt,
        author: { name: actor.login, email: 'agent@example.com' },
      },
      repository: { id: 1, full_name: repo },
    };
  }

  private jobJson(repo: string, run: RunRecord, job: { id: number; spec: FakeJobSpec }): Json {
    const base = this.host.baseUrl();
    const completed = run.pendingReads <= 0;
    const steps = job.spec.steps ?? [
      { name: 'Set up job', conclusion: 'success' as const },
      { name: 'Run actions/checkout@v4', conclusion: 'success' as const },
      { name: 'Run tests', conclusion: job.spec.conclusion },
    ];
    return {
      id: job.id,
      run_id: run.id,
      run_attempt: run.spec.attempt ?? 1,
      workflow_name: this.workflowById(repo, run.workflowId)!.name,
      head_branch: run.spec.branch,
      head_sha: run.spec.headSha,
      name: job.spec.name,
      status: completed ? 'completed' : 'in_progress',
      conclusion: completed ? job.spec.conclusion : null,
      started_at: run.createdAt,
      completed_at: completed ? run.createdAt : null,
      url: `${base}/repos/${repo}/actions/jobs/${job.id}`,
      html_url: `${base}/${repo}/actions/runs/${run.id}/job/${job.id}`,
      check_run_url: `${base}/repos/${repo}/check-runs/${job.id}`,
      labels: ['ubuntu-latest'],
      runner_name: 'GitHub Actions 2',
      steps: steps.map((step, index) => ({
        name: step.name,
        status: 'completed',
        conclusion: completed ? step.conclusion : null,
        number: index + 1,
        started_at: run.createdAt,
        completed_at: run.createdAt,
      })),
    };
  }

  /** GitHub prefixes every log line with an ISO timestamp (and a byte-order mark at the start). */
  private logText(run: RunRecord, job: FakeJobSpec): string {
    const lines = (job.log ?? `##[group]Run npm test\nnpm test\n##[endgroup]\nok\n`).replace(/\n$/, '').split('\n');
    const stamp = run.createdAt.replace('Z', '0000Z');
    return `\ufeff${lines.map((line) => (STAMP.test(line) ? line : `${stamp} ${line}`)).join('\n')}\n`;
  }

  // ── state ──────────────────────────────────────────────────────────────────────────────────────────

  /** A read of the run: one fewer before it reports completed. */
  private read(run: RunRecord): RunRecord {
    if (run.pendingReads > 0) run.pendingReads -= 1;
    return run;
  }

  private matchesStatus(run: RunRecord, status: string | null): boolean {
    if (!status) return true;
    const completed = run.pendingReads <= 0;
    if (status === 'completed') return completed;
    if (status === 'in_progress') return !completed;
    return completed && run.spec.conclusion === status;
  }

  private workflow(repo: string, name: string, path: string) {
    const list = this.workflows.get(repo) ?? [];
    let workflow = list.find((w) => w.path === path);
    if (!workflow) {
      workflow = { id: 160_000_000 + list.length + this.workflows.size * 100, name, path, runs: 0 };
      this.workflows.set(repo, [...list, workflow]);
    }
    return workflow;
  }

  private findWorkflow(repo: string, ref: string) {
    return (this.workflows.get(repo) ?? []).find(
      (w) => String(w.id) === ref || w.path.endsWith(`/${ref}`) || w.path === ref,
    );
  }

  private workflowById(repo: string, id: number) {
    return (this.workflows.get(repo) ?? []).find((w) => w.id === id);
  }

  private findRun(repo: string, id: number): RunRecord | undefined {
    return (this.runs.get(repo) ?? []).find((run) => run.id === id);
  }

  private mustRun(repo: string, id: number): RunRecord {
    const run = this.findRun(repo, id);
    if (!run) throw new Error(`no run ${id} in ${repo}`);
    return run;
  }
}

const notFound = (): PageResult => ({
  status: 404,
  body: { message: 'Not Found', documentation_url: 'https://docs.github.com/rest/actions' },
});
