// GitHub Actions without a token: runs recorded as files stand in for GitHub's API, as dry-run effects
// stand in for issues and PRs. Each file `<dir>/<owner>/<repo>/runs/<run id>.json` holds what GitHub
// would answer: `{run, jobs: [job + log], pull_request?, diff?}` in GitHub's own field names. The demo
// records runs there; anyone can, to try Healer's CI path offline.
import { mkdir, readdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { splitRepo } from '../../core/incident/repo';
import {
  MAX_JOB_LOG_BYTES,
  toJobSummary,
  toRunSummary,
  type ActionsReader,
  type RestJob,
  type RestRun,
} from './actions';

export interface RecordedRun {
  run: RestRun;
  jobs: Array<RestJob & { log?: string }>;
  pull_request?: { number: number; title: string; html_url?: string; user?: { login: string }; head: { ref: string } };
  diff?: string;
}

const runsDir = (dir: string, repo: string): string => {
  const { owner, repo: name } = splitRepo(repo);
  return join(dir, owner, name, 'runs');
};

/** Records (or replaces) a run, atomically, as GitHub would report it. */
export async function recordRun(dir: string, repo: string, recorded: RecordedRun): Promise<string> {
  const target = runsDir(dir, repo);
  await mkdir(target, { recursive: true });
  const file = join(target, `${recorded.run.id}.json`);
  await writeFile(`${file}.tmp`, JSON.stringify(recorded, null, 2));
  await rename(`${file}.tmp`, file);
  return file;
}

export function dryRunActionsReader(dir: string): ActionsReader {
  async function load(repo: string, runId: number): Promise<RecordedRun | null> {
    try {
      return JSON.parse(await readFile(join(runsDir(dir, repo), `${runId}.json`), 'utf8')) as RecordedRun;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw error;
    }
  }
  async function all(repo: string): Promise<RecordedRun[]> {
    let names: string[];
    try {
      names = await readdir(runsDir(dir, repo));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw error;
    }
    const runs = await Promise.all(
      names.filter((name) => /^\d+\.json$/.test(name)).map((name) => load(repo, Number(name.slice(0, -5)))),
    );
    return runs.filter((run): run is RecordedRun => run !== null);
  }
  const withPullRequest = async (repo: string, number: number) =>
    (await all(repo)).find((recorded) => recorded.pull_request?.number === number);

  return {
    dryRun: true,
    async getRun(repo, runId) {
      const recorded = await load(repo, runId);
      return recorded && toRunSummary(recorded.run);
    },
    async listJobs(repo, runId) {
      const recorded = await load(repo, runId);
      return (recorded?.jobs ?? []).map(toJobSummary);
    },
    async jobLog(repo, jobId) {
      for (const recorded of await all(repo)) {
        const job = recorded.jobs.find((j) => j.id === jobId);
        if (job) return (job.log ?? '').slice(-MAX_JOB_LOG_BYTES);
      }
      return null;
    },
    async listRuns(repo, filter) {
      const runs = (await all(repo))
        .map((recorded) => toRunSummary(recorded.run))
        .filter(
          (run) =>
            (!filter.status || run.status === filter.status || run.conclusion === filter.status) &&
            (!filter.createdSince || run.createdAt >= filter.createdSince) &&
            (!filter.branch || run.headBranch === filter.branch) &&
            (!filter.headSha || run.headSha === filter.headSha) &&
            (filter.workflowId === undefined || run.workflowId === filter.workflowId),
        )
        .sort((a, b) => b.id - a.id);
      return runs.slice(0, filter.limit ?? 100);
    },
    async pullRequest(repo, number) {
      const pr = (await withPullRequest(repo, number))?.pull_request;
      return pr
        ? { number: pr.number, title: pr.title, url: pr.html_url, author: pr.user?.login, headRef: pr.head.ref }
        : null;
    },
    async pullRequestDiff(repo, number) {
      return (await withPullRequest(repo, number))?.diff ?? null;
    },
  };
}
