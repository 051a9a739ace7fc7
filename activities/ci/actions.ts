// Reading GitHub Actions through Octokit: runs, their jobs, a job's log (GitHub answers the log request
// with a 302 to a short-lived download URL, which fetch follows) and the PR a run belongs to. Failures
// are classified for Temporal's retry policy like every other GitHub call (toFailure). Without a token
// the same reads come from runs recorded under the state directory (dry-run.ts).
import type { Octokit } from '@octokit/rest';
import { splitRepo } from '../../core/incident/repo';
import type { CiJobSummary, CiRunSummary } from '../../core/ci/run';
import { signal, toFailure } from '../incident/github';

/** The tail of a job log that is kept: failures are at the end, and logs can run to hundreds of MB. */
export const MAX_JOB_LOG_BYTES = 4 * 1024 * 1024;
const MAX_DIFF_CHARS = 20_000;

export interface PullRequestInfo {
  number: number;
  title: string;
  url?: string;
  author?: string;
  headRef: string;
}

export interface RunFilter {
  /** GitHub's `status` filter: a status or a conclusion (`failure`, `timed_out`, `completed` …). */
  status?: string;
  /** Runs created at or after this instant (ISO). */
  createdSince?: string;
  branch?: string;
  headSha?: string;
  /** Only runs of this workflow (its numeric id). */
  workflowId?: number;
  perPage?: number;
  /** Stop after this many runs (newest first). */
  limit?: number;
}

/** The reads the CI intake and the healing chain make; Octokit-backed or, without a token, recorded runs. */
export interface ActionsReader {
  readonly dryRun: boolean;
  getRun(repo: string, runId: number): Promise<CiRunSummary | null>;
  listJobs(repo: string, runId: number, attempt: number): Promise<CiJobSummary[]>;
  /** The job's log text (its last MAX_JOB_LOG_BYTES), or null when GitHub no longer has it. */
  jobLog(repo: string, jobId: number): Promise<string | null>;
  listRuns(repo: string, filter: RunFilter): Promise<CiRunSummary[]>;
  pullRequest(repo: string, number: number): Promise<PullRequestInfo | null>;
  /** Unified diff of the PR's files (bounded), or null when there is no such PR. */
  pullRequestDiff(repo: string, number: number): Promise<string | null>;
}

// ── GitHub's REST objects, reduced ─────────────────────────────────────────────────────────────────

export interface RestRun {
  id: number;
  run_attempt?: number;
  run_number: number;
  workflow_id: number;
  name?: string | null;
  path?: string;
  head_branch: string | null;
  head_sha: string;
  event: string;
  status: string | null;
  conclusion: string | null;
  actor?: { login: string } | null;
  triggering_actor?: { login: string } | null;
  head_commit?: { message: string } | null;
  created_at: string;
  html_url?: string;
  pull_requests?: Array<{ number: number }> | null;
}
export interface RestJob {
  id: number;
  run_id: number;
  run_attempt?: number;
  name: string;
  status: string;
  conclusion: string | null;
  html_url?: string | null;
  steps?: Array<{ number: number; name: string; status: string; conclusion: string | null }>;
}

export function toRunSummary(run: RestRun): CiRunSummary {
  return {
    id: run.id,
    attempt: run.run_attempt ?? 1,
    runNumber: run.run_number,
    workflowId: run.workflow_id,
    workflowName: run.name ?? run.path ?? `workflow ${run.workflow_id}`,
    ...(run.path ? { workflowPath: run.path.replace(/@.*$/, '') } : {}),
    headBranch: run.head_branch ?? '',
    headSha: run.head_sha,
    event: run.event,
    status: run.status ?? 'unknown',
    conclusion: run.conclusion,
    ...(run.actor?.login ? { actor: run.actor.login } : {}),
    ...(run.triggering_actor?.login ? { triggeringActor: run.triggering_actor.login } : {}),
    ...(run.head_commit?.message !== undefined ? { headCommitMessage: run.head_commit.message } : {}),
    createdAt: run.created_at,
    ...(run.html_url ? { url: run.html_url } : {}),
    pullRequests: (run.pull_requests ?? []).map((pr) => pr.number),
  };
}

export function toJobSummary(job: RestJob): CiJobSummary {
  return {
    id: job.id,
    runId: job.run_id,
    runAttempt: job.run_attempt ?? 1,
    name: job.name,
    status: job.status,
    conclusion: job.conclusion,
    ...(job.html_url ? { url: job.html_url } : {}),
    steps: (job.steps ?? []).map((s) => ({
      number: s.number,
      name: s.name,
      status: s.status,
      conclusion: s.conclusion,
    })),
  };
}

/** Reads a web stream of bytes, keeping only its last `maxBytes` (whole lines). */
export async function tailOfStream(stream: ReadableStream<Uint8Array>, maxBytes: number): Promise<string> {
  const chunks: Uint8Array[] = [];
  let kept = 0;
  let dropped = false;
  for await (const chunk of stream as unknown as AsyncIterable<Uint8Array>) {
    chunks.push(chunk);
    kept += chunk.byteLength;
    while (kept - chunks[0].byteLength >= maxBytes) {
      kept -= chunks.shift()!.byteLength;
      dropped = true;
    }
  }
  const text = Buffer.concat(chunks).toString('utf8');
  // A cut in the middle of a line would read as a different line: start at the next whole one.
  return dropped ? text.slice(text.indexOf('\n') + 1) : text;
}

const unifiedDiff = (files: Array<{ filename: string; status?: string; patch?: string }>): string => {
  let out = '';
  for (const file of files) {
    const part = `diff --git a/${file.filename} b/${file.filename}\n${file.patch ?? `(${file.status ?? 'changed'}, no textual diff)`}\n`;
    if (out.length + part.length > MAX_DIFF_CHARS) return `${out}… (diff truncated)\n`;
    out += part;
  }
  return out;
};

const statusOf = (error: unknown): number | undefined => (error as { status?: number } | undefined)?.status;

export function octokitActionsReader(octokit: Octokit): ActionsReader {
  async function call<T>(what: string, fn: () => Promise<T>, notFound?: T): Promise<T> {
    try {
      return await fn();
    } catch (error) {
      // 404 and 410 (logs expired) are answers, not failures, where the caller says what they mean.
      if (notFound !== undefined && [404, 410].includes(statusOf(error) ?? 0)) return notFound;
      throw toFailure(what, error);
    }
  }

  return {
    dryRun: false,
    async getRun(repo, runId) {
      const found = await call(
        'get workflow run',
        async () =>
          (
            await octokit.rest.actions.getWorkflowRun({
              ...splitRepo(repo),
              run_id: runId,
              request: { signal: signal() },
            })
          ).data as RestRun,
        null,
      );
      return found && toRunSummary(found);
    },
    async listJobs(repo, runId, attempt) {
      const jobs = await call('list jobs', () =>
        octokit.paginate(octokit.rest.actions.listJobsForWorkflowRunAttempt, {
          ...splitRepo(repo),
          run_id: runId,
          attempt_number: attempt,
          per_page: 100,
          request: { signal: signal() },
        }),
      );
      return (jobs as RestJob[]).map(toJobSummary);
    },
    async jobLog(repo, jobId) {
      const response = await call(
        'download job log',
        () =>
          octokit.rest.actions.downloadJobLogsForWorkflowRun({
            ...splitRepo(repo),
            job_id: jobId,
            request: { signal: signal(), parseSuccessResponseBody: false },
          }),
        null,
      );
      if (!response) return null;
      const body = response.data as unknown as ReadableStream<Uint8Array> | string | null;
      if (body === null) return '';
      return typeof body === 'string' ? body.slice(-MAX_JOB_LOG_BYTES) : tailOfStream(body, MAX_JOB_LOG_BYTES);
    },
    async listRuns(repo, filter) {
      const limit = filter.limit ?? 100;
      const params = {
        ...splitRepo(repo),
        per_page: Math.min(filter.perPage ?? 100, 100),
        ...(filter.status ? { status: filter.status as 'failure' } : {}),
        ...(filter.createdSince ? { created: `>=${filter.createdSince}` } : {}),
        ...(filter.branch ? { branch: filter.branch } : {}),
        ...(filter.headSha ? { head_sha: filter.headSha } : {}),
        request: { signal: signal() },
      };
      const runs: RestRun[] = [];
      const pages =
        filter.workflowId !== undefined
          ? octokit.paginate.iterator(octokit.rest.actions.listWorkflowRuns, {
              ...params,
              workflow_id: filter.workflowId,
            })
          : octokit.paginate.iterator(octokit.rest.actions.listWorkflowRunsForRepo, params);
      await call('list workflow runs', async () => {
        for await (const page of pages) {
          runs.push(...(page.data as unknown as RestRun[]));
          if (runs.length >= limit) break;
        }
      });
      return runs.slice(0, limit).map(toRunSummary);
    },
    async pullRequest(repo, number) {
      const pr = await call(
        'get pull request',
        async () =>
          (await octokit.rest.pulls.get({ ...splitRepo(repo), pull_number: number, request: { signal: signal() } }))
            .data,
        null,
      );
      return (
        pr && { number: pr.number, title: pr.title, url: pr.html_url, author: pr.user?.login, headRef: pr.head.ref }
      );
    },
    async pullRequestDiff(repo, number) {
      const files = await call(
        'list pull request files',
        () =>
          octokit.paginate(octokit.rest.pulls.listFiles, {
            ...splitRepo(repo),
            pull_number: number,
            per_page: 100,
            request: { signal: signal() },
          }),
        null,
      );
      return files && unifiedDiff(files);
    },
  };
}
