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
  const timeout = (parent?: AbortSignal): AbortSignal => {
    const own = AbortSignal.timeout(deps.timeoutMs ?? 15_000);
    return parent ? AbortSignal.any([parent, own]) : own;
  };

  return async function githubContext(
    input: { repository: string; taskId?: string; files: string[] },
    signal?: AbortSignal,
  ): Promise<GitHubContext> {
    const context: GitHubContext = { commits: [], notes: [] };
    const slug = repoSlug(input.repository);
    const gh = deps.octokit;
    if (!gh || !slug) {
      context.notes.push(
        !gh ? 'GitHub runs dry (no GITHUB_TOKEN): no PR, CI or commit context' : 'no GitHub repository',
      );
      return context;
    }
    const { owner, repo } = splitRepo(slug);
    if (input.taskId !== undefined) {
      try {
        const pulls = await gh.rest.pulls.list({
          owner,
          repo,
          state: 'open',
          per_page: 100,
          request: { signal: timeout(signal) },
        });
        const pr = pulls.data.find((p) => taskIdsMentioned(p.head.ref, p.title).includes(input.taskId!));
        if (pr) {
          const ci = await untilAborted(deps.ciState({ repo: slug, ref: pr.head.sha }), timeout(signal));
          context.pullRequest = {
            number: pr.number,
            title: redact(pr.title).slice(0, 200),
            branch: pr.head.ref,
            url: pr.html_url,
            ci: { verdict: ci.verdict, failures: ci.failures.map((f) => redact(f).slice(0, 300)).slice(0, 10) },
          };
        } else context.notes.push(`no open PR names task ${input.taskId}`);
      } catch (error) {
        context.notes.push(`task PR unavailable: ${redact((error as Error).message).slice(0, 200)}`);
      }
    }
    for (const path of input.files.slice(0, MAX_FILES)) {
      try {
        const commits = await gh.rest.repos.listCommits({
          owner,
          repo,
          path,
          per_page: COMMITS_PER_FILE,
          request: { signal: timeout(signal) },
        });
        for (const c of commits.data)
          context.commits.push({
            path,
            sha: c.sha,
            message: redact(c.commit.message.split('\n')[0]).slice(0, 200),
            ...(c.commit.author?.name ? { author: c.commit.author.name } : {}),
            ...(c.commit.author?.date ? { date: c.commit.author.date } : {}),
          });
      } catch (error) {
        context.notes.push(`commits of ${path} unavailable: ${redact((error as Error).message).slice(0, 200)}`);
      }
    }
    return context;
  };
}

export type GitHubContextReader = ReturnType<typeof createGitHubContext>;
