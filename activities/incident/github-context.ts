// GitHub context for an incident's evaluation: the task's open PR (its branch or title names the task id,
// as agents name them: `feature/task-3-…`, `Task 3: …`) with its latest CI verdict and failed checks, and
// the last commits of the default branch touching the files the log names. Reads only; a dry run (no
// token) or an API error leaves a note instead, never fails the incident.
import type { Octokit } from '@octokit/rest';
import { taskIdsMentioned } from '../../core/ci/attribution';
import { repoSlug, splitRepo } from '../../core/incident/repo';
import type { GitHubContext } from '../../core/incident/gathered';
import { redact } from '../../core/detection/redact';
import type { CiState } from '../../core/incident/ci';
import { untilAborted } from './log-window';
import { SingleFlight } from '../../core/single-flight';

export interface GitHubContextDeps {
  /** null: dry run. */
  octokit: Octokit | null;
  /** The CI verdict of a commit (the healing chain's own reading of check runs and statuses). */
  ciState: (input: { repo: string; ref: string }) => Promise<CiState>;
  /** Deadline of each call. */
  timeoutMs?: number;
}

const MAX_FILES = 5;
const COMMITS_PER_FILE = 3;

export function createGitHubContext(deps: GitHubContextDeps) {
  const deadlineMs = deps.timeoutMs ?? 15_000;
  // Reads shared by the incidents gathering at the same moment: each has its own deadline, not any one
  // caller's, and each caller stops waiting at its own (untilAborted).
  const openPulls = new SingleFlight<Awaited<ReturnType<Octokit['rest']['pulls']['list']>>['data']>();
  const ciOf = new SingleFlight<CiState>();
  const commitsOfFile = new SingleFlight<Awaited<ReturnType<Octokit['rest']['repos']['listCommits']>>['data']>();
  const shared = <T>(read: Promise<T>, signal?: AbortSignal): Promise<T> =>
    signal ? untilAborted(read, signal) : read;

  /** The task's open PR and its CI verdict, or a note why there is none. */
  async function taskPullRequest(
    gh: Octokit,
    slug: string,
    taskId: string,
    signal?: AbortSignal,
  ): Promise<Pick<GitHubContext, 'pullRequest'> & { note?: string }> {
    const { owner, repo } = splitRepo(slug);
    try {
      const pulls = await shared(
        openPulls.run(slug, async () => {
          const answer = await gh.rest.pulls.list({
            owner,
            repo,
            state: 'open',
            per_page: 100,
            request: { signal: AbortSignal.timeout(deadlineMs) },
          });
          return answer.data;
        }),
        signal,
      );
      const pr = pulls.find((p) => taskIdsMentioned(p.head.ref, p.title).includes(taskId));
      if (!pr) return { note: `no open PR names task ${taskId}` };
      const ci = await shared(
        ciOf.run(`${slug}@${pr.head.sha}`, () =>
          untilAborted(deps.ciState({ repo: slug, ref: pr.head.sha }), AbortSignal.timeout(deadlineMs)),
        ),
        signal,
      );
      return {
        pullRequest: {
          number: pr.number,
          title: redact(pr.title).slice(0, 200),
          branch: pr.head.ref,
          url: pr.html_url,
          ci: { verdict: ci.verdict, failures: ci.failures.map((f) => redact(f).slice(0, 300)).slice(0, 10) },
        },
      };
    } catch (error) {
      return { note: `task PR unavailable: ${redact((error as Error).message).slice(0, 200)}` };
    }
  }

  /** The last commits of one file on the default branch, or a note why they could not be read. */
  async function commitsOf(
    gh: Octokit,
    slug: string,
    path: string,
    signal?: AbortSignal,
  ): Promise<{ commits: GitHubContext['commits']; note?: string }> {
    const { owner, repo } = splitRepo(slug);
    try {
      const commits = await shared(
        commitsOfFile.run(`${slug}:${path}`, async () => {
          const answer = await gh.rest.repos.listCommits({
            owner,
            repo,
            path,
            per_page: COMMITS_PER_FILE,
            request: { signal: AbortSignal.timeout(deadlineMs) },
          });
          return answer.data;
        }),
        signal,
      );
      return {
        commits: commits.map((c) => ({
          path,
          sha: c.sha,
          message: redact(c.commit.message.split('\n')[0]).slice(0, 200),
          ...(c.commit.author?.name ? { author: c.commit.author.name } : {}),
          ...(c.commit.author?.date ? { date: c.commit.author.date } : {}),
        })),
      };
    } catch (error) {
      return { commits: [], note: `commits of ${path} unavailable: ${redact((error as Error).message).slice(0, 200)}` };
    }
  }

  /**
   * Every read at once (each with its own deadline). `files` may still be coming (the log window names
   * them): the task's PR is read meanwhile.
   */
  return async function githubContext(
    input: { repository: string; taskId?: string; files: string[] | Promise<string[]> },
    signal?: AbortSignal,
  ): Promise<GitHubContext> {
    const slug = repoSlug(input.repository);
    const gh = deps.octokit;
    if (!gh || !slug) {
      return {
        commits: [],
        notes: [!gh ? 'GitHub runs dry (no GITHUB_TOKEN): no PR, CI or commit context' : 'no GitHub repository'],
      };
    }
    const pullRequest = input.taskId !== undefined ? taskPullRequest(gh, slug, input.taskId, signal) : undefined;
    const files = (await input.files).slice(0, MAX_FILES);
    const [task, ...perFile] = await Promise.all([
      pullRequest,
      ...files.map((path) => commitsOf(gh, slug, path, signal)),
    ]);
    const context: GitHubContext = { commits: perFile.flatMap((f) => f.commits), notes: [] };
    if (task?.pullRequest) context.pullRequest = task.pullRequest;
    if (task?.note) context.notes.push(task.note);
    for (const f of perFile) if (f.note) context.notes.push(f.note);
    return context;
  };
}

export type GitHubContextReader = ReturnType<typeof createGitHubContext>;
