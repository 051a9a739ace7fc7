// GitHub effects of the healing chain, through Octokit. Every function is idempotent: it looks before it
// creates (issues by their hidden incident marker, branches by name, PRs by head branch, comments by their
// marker, file commits by content), so a retry after a crash or a lost response never duplicates anything.
// Failures are classified for Temporal's retry policy: rate limits come back with `nextRetryDelay` taken
// from GitHub's reset headers, 5xx and network errors are retryable, other 4xx are not.
// Without a token (octokit = null) nothing is sent: each effect is recorded and returned as a dry-run record.
import { Context } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import { Octokit } from '@octokit/rest';
import { appendFile, mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { combineCi, type CiState } from '../../core/incident/ci';
import { commentMarker, incidentMarker, HEALER_LABEL } from '../../core/incident/render';
import { repoSlug, splitRepo } from '../../core/incident/repo';
import type { FileEdit } from '../../core/incident/schemas';
import { checkEditPaths, type PathPolicy } from '../../core/incident/path-policy';
import { heartbeating } from '../heartbeat';
import { absorbingBlips, BLIP_PAUSES_MS, retryingReads } from './github-blips';

export interface IssueRef {
  repo: string;
  number?: number;
  url?: string;
  title: string;
  dryRun: boolean;
}
export interface PullRef {
  repo: string;
  number?: number;
  url?: string;
  title: string;
  branch: string;
  headSha?: string;
  dryRun: boolean;
}

export interface DryRunEffect {
  incidentId?: string;
  action: string;
  repo: string;
  title?: string;
  number?: number;
  detail?: string;
  /** The issue's body as it would have been sent (create-issue). */
  body?: string;
  at: string;
}
export interface DryRunStore {
  record(effect: DryRunEffect): Promise<void>;
}

/** Appends dry-run effects as JSON lines to `<dir>/dry-run.jsonl` (shown by the CLI alongside workflow state). */
export function fileDryRunStore(dir: string): DryRunStore {
  return {
    async record(effect) {
      await mkdir(dir, { recursive: true });
      await appendFile(join(dir, 'dry-run.jsonl'), `${JSON.stringify(effect)}\n`);
    },
  };
}

export interface GitHubDeps {
  /** null: dry run (no GITHUB_TOKEN). */
  octokit: Octokit | null;
  /** HEALER_ISSUES_REPO: where issues go (default: the session's repository). */
  issuesRepo?: string;
  dryRunStore?: DryRunStore;
}

/** Octokit as Healer uses it. Failed requests are not logged by Octokit: we classify them (404s are often expected). */
export function createOctokit(token: string, baseUrl = 'https://api.github.com'): Octokit {
  const quiet = (): void => undefined;
  const octokit = new Octokit({
    auth: token,
    baseUrl,
    userAgent: 'healer',
    log: { debug: quiet, info: quiet, warn: quiet, error: quiet },
  });
  octokit.hook.wrap('request', retryingReads(readRetryDelayMs));
  return octokit;
}

/** Before a read is sent again: GitHub's own delay when rate limited, a short pause after a blip. */
function readRetryDelayMs(error: unknown, attempt: number): number | undefined {
  const rateLimited = rateLimitDelayMs(error, Date.now());
  if (rateLimited !== undefined) return rateLimited;
  return isUnavailable(statusOf(error)) ? BLIP_PAUSES_MS[attempt] : undefined;
}

// ── failure classification ─────────────────────────────────────────────────────────────────────────

interface HttpErrorLike {
  status?: number;
  message?: string;
  response?: { headers?: Record<string, string | number | undefined>; data?: unknown };
}
const statusOf = (e: unknown): number | undefined => (e as HttpErrorLike)?.status;
/** No answer, a server error or a timeout: GitHub was away, not refusing. */
const isUnavailable = (status: number | undefined): boolean => status === undefined || status >= 500 || status === 408;
const headersOf = (e: unknown): Record<string, string | number | undefined> =>
  (e as HttpErrorLike)?.response?.headers ?? {};
const detailOf = (e: unknown): string => {
  const data = (e as HttpErrorLike)?.response?.data as
    { message?: string; errors?: Array<{ message?: string }> } | undefined;
  return [data?.message ?? (e as Error)?.message, ...(data?.errors ?? []).map((x) => x.message)]
    .filter(Boolean)
    .join(': ');
};

/** How long GitHub asks us to wait, from retry-after or x-ratelimit-reset; undefined if not rate limited. */
export function rateLimitDelayMs(e: unknown, nowMs: number): number | undefined {
  const status = statusOf(e);
  if (status !== 403 && status !== 429) return undefined;
  const h = headersOf(e);
  if (h['retry-after'] !== undefined) return Math.max(1000, Number(h['retry-after']) * 1000);
  if (String(h['x-ratelimit-remaining']) === '0' && h['x-ratelimit-reset'] !== undefined) {
    return Math.max(1000, Number(h['x-ratelimit-reset']) * 1000 - nowMs);
  }
  // A 403 without rate-limit headers is a permission problem; a bare 429 is a secondary limit.
  return status === 429 ? 60_000 : undefined;
}

export function toFailure(what: string, e: unknown): Error {
  if (e instanceof ApplicationFailure) return e;
  const status = statusOf(e);
  const delay = rateLimitDelayMs(e, Date.now());
  if (delay !== undefined) {
    return ApplicationFailure.create({
      type: 'GitHubRateLimited',
      message: `${what}: rate limited (${status}), retry in ${Math.ceil(delay / 1000)} s`,
      nextRetryDelay: delay,
    });
  }
  if (isUnavailable(status)) {
    return ApplicationFailure.retryable(`${what}: ${status ?? 'network error'} ${detailOf(e)}`, 'GitHubUnavailable');
  }
  return ApplicationFailure.nonRetryable(`${what}: ${status} ${detailOf(e)}`, 'GitHubRejected');
}

/** The activity's cancellation signal, so a cancelled or timed-out activity stops its HTTP call. */
export function signal(): AbortSignal | undefined {
  try {
    return Context.current().cancellationSignal;
  } catch {
    return undefined; // called outside an activity (unit tests)
  }
}

// ── activities ─────────────────────────────────────────────────────────────────────────────────────

/**
 * Each activity heartbeats while it runs (a worker killed mid-call is noticed within the heartbeat
 * timeout) and absorbs a blip by trying again at once (github-blips.ts).
 */
export function createGitHubActivities(deps: GitHubDeps) {
  return heartbeating(absorbingBlips(gitHubEffects(deps)));
}

function gitHubEffects(deps: GitHubDeps) {
  const gh = deps.octokit;
  const store = deps.dryRunStore;

  const slug = (repo: string): string => {
    const s = repoSlug(repo);
    if (!s)
      throw ApplicationFailure.nonRetryable(`not a GitHub repository: ${JSON.stringify(repo)}`, 'GitHubBadRepository');
    return s;
  };
  const issueRepo = (repo: string, override?: string): string => slug(override ?? deps.issuesRepo ?? repo);

  async function call<T>(what: string, fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (e) {
      throw toFailure(what, e);
    }
  }
  /** Calls fn; a response with one of `expected` statuses is returned as undefined instead of failing. */
  async function callExpecting<T>(what: string, expected: number[], fn: () => Promise<T>): Promise<T | undefined> {
    try {
      return await fn();
    } catch (e) {
      if (expected.includes(statusOf(e) ?? -1)) return undefined;
      throw toFailure(what, e);
    }
  }
  async function dry(effect: Omit<DryRunEffect, 'at'>): Promise<void> {
    await store?.record({ ...effect, at: new Date().toISOString() });
  }

  async function findIssueByMarker(octokit: Octokit, repoSlugValue: string, incidentId: string) {
    const marker = incidentMarker(incidentId);
    const { owner, repo } = splitRepo(repoSlugValue);
    // Listing is consistent (search is indexed with a lag), so look there first.
    const pages = octokit.paginate.iterator(octokit.rest.issues.listForRepo, {
      owner,
      repo,
      labels: HEALER_LABEL,
      state: 'all',
      per_page: 100,
      request: { signal: signal() },
    });
    for await (const page of pages) {
      const hit = page.data.find((i) => !i.pull_request && (i.body ?? '').includes(marker));
      if (hit) return hit;
    }
    // Someone may have removed the healer label: fall back to search by the marker text.
    const found = await octokit.rest.search.issuesAndPullRequests({
      q: `"healer-incident: ${incidentId}" in:body is:issue repo:${repoSlugValue}`,
      per_page: 10,
      request: { signal: signal() },
    });
    return found.data.items.find((i) => !i.pull_request && (i.body ?? '').includes(marker));
  }

  return {
    /** The incident's issue: found by its hidden marker, created only when there is none. */
    async findOrCreateIssue(input: {
      incidentId: string;
      repo: string;
      issuesRepo?: string;
      title: string;
      body: string;
      labels: string[];
    }): Promise<IssueRef & { created: boolean }> {
      const target = issueRepo(input.repo, input.issuesRepo);
      if (!input.body.includes(incidentMarker(input.incidentId)))
        throw ApplicationFailure.nonRetryable('issue body must carry the incident marker', 'HealerBug');
      if (!gh) {
        await dry({
          incidentId: input.incidentId,
          action: 'create-issue',
          repo: target,
          title: input.title,
          detail: input.labels.join(','),
          body: input.body,
        });
        return { repo: target, title: input.title, dryRun: true, created: true };
      }
      const existing = await call('find issue', () => findIssueByMarker(gh, target, input.incidentId));
      if (existing)
        return {
          repo: target,
          number: existing.number,
          url: existing.html_url,
          title: existing.title,
          dryRun: false,
          created: false,
        };
      const { owner, repo } = splitRepo(target);
      const created = await call('create issue', () =>
        gh.rest.issues.create({
          owner,
          repo,
          title: input.title,
          body: input.body,
          labels: input.labels,
          request: { signal: signal() },
        }),
      );
      return {
        repo: target,
        number: created.data.number,
        url: created.data.html_url,
        title: created.data.title,
        dryRun: false,
        created: true,
      };
    },

    /** Posts a comment once per (incident, kind): the marker in the body is looked up first. */
    async commentOnce(input: {
      incidentId: string;
      issue: IssueRef;
      kind: string;
      body: string;
    }): Promise<{ posted: boolean; dryRun: boolean }> {
      const marker = commentMarker(input.incidentId, input.kind);
      const body = input.body.includes(marker) ? input.body : `${input.body}\n${marker}`;
      if (!gh || input.issue.number === undefined) {
        await dry({
          incidentId: input.incidentId,
          action: `comment:${input.kind}`,
          repo: input.issue.repo,
          number: input.issue.number,
          detail: body.slice(0, 500),
        });
        return { posted: true, dryRun: true };
      }
      const { owner, repo } = splitRepo(input.issue.repo);
      const n = input.issue.number;
      const comments = await call('list comments', () =>
        gh.paginate(gh.rest.issues.listComments, {
          owner,
          repo,
          issue_number: n,
          per_page: 100,
          request: { signal: signal() },
        }),
      );
      if (comments.some((c) => (c.body ?? '').includes(marker))) return { posted: false, dryRun: false };
      await call('comment', () =>
        gh.rest.issues.createComment({ owner, repo, issue_number: n, body, request: { signal: signal() } }),
      );
      return { posted: true, dryRun: false };
    },

    /** Adds labels (GitHub creates missing ones); adding a present label is a no-op. */
    async addLabels(input: { incidentId: string; issue: IssueRef; labels: string[] }): Promise<{ dryRun: boolean }> {
      if (!gh || input.issue.number === undefined) {
        await dry({
          incidentId: input.incidentId,
          action: 'add-labels',
          repo: input.issue.repo,
          number: input.issue.number,
          detail: input.labels.join(','),
        });
        return { dryRun: true };
      }
      const { owner, repo } = splitRepo(input.issue.repo);
      await call('add labels', () =>
        gh.rest.issues.addLabels({
          owner,
          repo,
          issue_number: input.issue.number!,
          labels: input.labels,
          request: { signal: signal() },
        }),
      );
      return { dryRun: false };
    },

    async closeIssue(input: {
      incidentId: string;
      issue: IssueRef;
      reason: 'completed' | 'not_planned';
    }): Promise<{ dryRun: boolean }> {
      if (!gh || input.issue.number === undefined) {
        await dry({
          incidentId: input.incidentId,
          action: `close-issue:${input.reason}`,
          repo: input.issue.repo,
          number: input.issue.number,
          title: input.issue.title,
        });
        return { dryRun: true };
      }
      const { owner, repo } = splitRepo(input.issue.repo);
      await call('close issue', () =>
        gh.rest.issues.update({
          owner,
          repo,
          issue_number: input.issue.number!,
          state: 'closed',
          state_reason: input.reason,
          request: { signal: signal() },
        }),
      );
      return { dryRun: false };
    },

    /** Branch `name` from the default branch's head, unless it exists. */
    async ensureBranch(input: {
      incidentId: string;
      repo: string;
      branch: string;
    }): Promise<{ created: boolean; dryRun: boolean }> {
      const target = slug(input.repo);
      if (!gh) {
        await dry({ incidentId: input.incidentId, action: 'create-branch', repo: target, title: input.branch });
        return { created: true, dryRun: true };
      }
      const { owner, repo } = splitRepo(target);
      const existing = await callExpecting('get branch', [404], () =>
        gh.rest.git.getRef({ owner, repo, ref: `heads/${input.branch}`, request: { signal: signal() } }),
      );
      if (existing) return { created: false, dryRun: false };
      const info = await call('get repository', () =>
        gh.rest.repos.get({ owner, repo, request: { signal: signal() } }),
      );
      const base = await call('get base branch', () =>
        gh.rest.git.getRef({ owner, repo, ref: `heads/${info.data.default_branch}`, request: { signal: signal() } }),
      );
      // 422 "Reference already exists": a previous attempt created it and its answer was lost.
      const created = await callExpecting('create branch', [422], () =>
        gh.rest.git.createRef({
          owner,
          repo,
          ref: `refs/heads/${input.branch}`,
          sha: base.data.object.sha,
          request: { signal: signal() },
        }),
      );
      return { created: created !== undefined, dryRun: false };
    },

    /**
     * Writes each file's full content on the branch; files that already have that content are skipped.
     * With a `policy`, a patch touching any path outside it is refused before anything is written.
     */
    async commitFiles(input: {
      incidentId: string;
      repo: string;
      branch: string;
      edits: FileEdit[];
      message: string;
      policy?: PathPolicy;
    }): Promise<{ changed: string[]; dryRun: boolean }> {
      const violations = input.policy ? checkEditPaths(input.edits, input.policy) : [];
      if (violations.length > 0)
        throw ApplicationFailure.nonRetryable(
          `patch touches forbidden paths: ${violations.map((v) => `${v.path} (${v.reason})`).join(', ')}`,
          'ForbiddenPath',
        );
      const target = slug(input.repo);
      if (!gh) {
        await dry({
          incidentId: input.incidentId,
          action: 'commit-files',
          repo: target,
          title: input.message,
          detail: input.edits.map((e) => e.path).join(','),
        });
        return { changed: input.edits.map((e) => e.path), dryRun: true };
      }
      const { owner, repo } = splitRepo(target);
      const changed: string[] = [];
      for (const edit of input.edits) {
        const current = await callExpecting('get file', [404], () =>
          gh.rest.repos.getContent({ owner, repo, path: edit.path, ref: input.branch, request: { signal: signal() } }),
        );
        const file = current?.data as { sha?: string; content?: string; type?: string } | undefined;
        if (file && file.type !== 'file')
          throw ApplicationFailure.nonRetryable(`${edit.path} is not a file`, 'GitHubRejected');
        if (file?.content !== undefined && Buffer.from(file.content, 'base64').toString('utf8') === edit.content)
          continue;
        await call('commit file', () =>
          gh.rest.repos.createOrUpdateFileContents({
            owner,
            repo,
            path: edit.path,
            branch: input.branch,
            message: input.message,
            content: Buffer.from(edit.content, 'utf8').toString('base64'),
            sha: file?.sha,
            request: { signal: signal() },
          }),
        );
        changed.push(edit.path);
      }
      return { changed, dryRun: false };
    },

    /** The PR whose head is `branch`, if any (any state). */
    async findPullRequest(input: { repo: string; branch: string }): Promise<PullRef | null> {
      if (!gh) return null;
      const target = slug(input.repo);
      const { owner, repo } = splitRepo(target);
      const list = await call('list pulls', () =>
        gh.rest.pulls.list({
          owner,
          repo,
          head: `${owner}:${input.branch}`,
          state: 'all',
          per_page: 10,
          request: { signal: signal() },
        }),
      );
      const pr = list.data[0];
      return pr
        ? {
            repo: target,
            number: pr.number,
            url: pr.html_url,
            title: pr.title,
            branch: input.branch,
            headSha: pr.head.sha,
            dryRun: false,
          }
        : null;
    },

    /** The remediation PR for `branch`: the existing one, or a new one. */
    async findOrOpenPullRequest(input: {
      incidentId: string;
      repo: string;
      branch: string;
      title: string;
      body: string;
    }): Promise<PullRef> {
      const target = slug(input.repo);
      if (!gh) {
        await dry({
          incidentId: input.incidentId,
          action: 'open-pull-request',
          repo: target,
          title: input.title,
          detail: input.body.slice(0, 500),
        });
        return { repo: target, title: input.title, branch: input.branch, dryRun: true };
      }
      const { owner, repo } = splitRepo(target);
      const find = async () => {
        const list = await call('list pulls', () =>
          gh.rest.pulls.list({
            owner,
            repo,
            head: `${owner}:${input.branch}`,
            state: 'open',
            per_page: 10,
            request: { signal: signal() },
          }),
        );
        return list.data[0];
      };
      const existing = await find();
      if (existing)
        return {
          repo: target,
          number: existing.number,
          url: existing.html_url,
          title: existing.title,
          branch: input.branch,
          headSha: existing.head.sha,
          dryRun: false,
        };
      const info = await call('get repository', () =>
        gh.rest.repos.get({ owner, repo, request: { signal: signal() } }),
      );
      try {
        const pr = await gh.rest.pulls.create({
          owner,
          repo,
          head: input.branch,
          base: info.data.default_branch,
          title: input.title,
          body: input.body,
          request: { signal: signal() },
        });
        return {
          repo: target,
          number: pr.data.number,
          url: pr.data.html_url,
          title: pr.data.title,
          branch: input.branch,
          headSha: pr.data.head.sha,
          dryRun: false,
        };
      } catch (e) {
        // 422 "already exists": a previous attempt opened it and its answer was lost.
        if (statusOf(e) === 422 && /already exists/i.test(detailOf(e))) {
          const again = await find();
          if (again)
            return {
              repo: target,
              number: again.number,
              url: again.html_url,
              title: again.title,
              branch: input.branch,
              headSha: again.head.sha,
              dryRun: false,
            };
        }
        throw toFailure('open pull request', e);
      }
    },

    /** Files the PR changes (a PR that changes nothing is a phantom). */
    async pullRequestFiles(input: {
      repo: string;
      number: number;
    }): Promise<{ exists: boolean; state?: string; merged?: boolean; headSha?: string; files: string[] }> {
      if (!gh) return { exists: false, files: [] };
      const { owner, repo } = splitRepo(slug(input.repo));
      const pr = await callExpecting('get pull', [404], () =>
        gh.rest.pulls.get({ owner, repo, pull_number: input.number, request: { signal: signal() } }),
      );
      if (!pr) return { exists: false, files: [] };
      const files = await call('list pull files', () =>
        gh.paginate(gh.rest.pulls.listFiles, {
          owner,
          repo,
          pull_number: input.number,
          per_page: 100,
          request: { signal: signal() },
        }),
      );
      return {
        exists: true,
        state: pr.data.state,
        merged: pr.data.merged,
        headSha: pr.data.head.sha,
        files: files.map((f) => f.filename),
      };
    },

    /** CI for a ref: check runs and commit statuses combined into one verdict. */
    async ciState(input: { repo: string; ref: string }): Promise<CiState> {
      if (!gh) return { verdict: 'none', failures: [], total: 0 };
      const { owner, repo } = splitRepo(slug(input.repo));
      const checks = await call('list check runs', () =>
        gh.paginate(gh.rest.checks.listForRef, {
          owner,
          repo,
          ref: input.ref,
          per_page: 100,
          request: { signal: signal() },
        }),
      );
      const status = await call('combined status', () =>
        gh.rest.repos.getCombinedStatusForRef({
          owner,
          repo,
          ref: input.ref,
          per_page: 100,
          request: { signal: signal() },
        }),
      );
      return combineCi(
        checks.map((c) => ({
          name: c.name,
          status: c.status,
          conclusion: c.conclusion,
          summary: c.output?.summary ?? undefined,
        })),
        status.data.statuses.map((s) => ({
          context: s.context,
          state: s.state,
          description: s.description ?? undefined,
        })),
      );
    },

    /** Merges the PR; an already merged PR counts as merged. */
    async mergePullRequest(input: {
      incidentId: string;
      pr: PullRef;
    }): Promise<{ merged: boolean; reason?: string; dryRun: boolean }> {
      if (!gh || input.pr.number === undefined) {
        await dry({
          incidentId: input.incidentId,
          action: 'merge-pull-request',
          repo: input.pr.repo,
          number: input.pr.number,
          title: input.pr.title,
        });
        return { merged: true, dryRun: true };
      }
      const { owner, repo } = splitRepo(input.pr.repo);
      const n = input.pr.number;
      const current = await call('get pull', () =>
        gh.rest.pulls.get({ owner, repo, pull_number: n, request: { signal: signal() } }),
      );
      if (current.data.merged) return { merged: true, dryRun: false };
      try {
        await gh.rest.pulls.merge({
          owner,
          repo,
          pull_number: n,
          merge_method: 'squash',
          commit_title: input.pr.title,
          request: { signal: signal() },
        });
        return { merged: true, dryRun: false };
      } catch (e) {
        const s = statusOf(e);
        if (s === 405 || s === 409) return { merged: false, reason: detailOf(e), dryRun: false };
        throw toFailure('merge pull request', e);
      }
    },

    /** Current contents of files (null when missing), for the remediation prompt. */
    async readFiles(input: {
      repo: string;
      paths: string[];
      ref?: string;
      maxBytes?: number;
    }): Promise<Array<{ path: string; content: string | null }>> {
      if (!gh) return input.paths.map((path) => ({ path, content: null }));
      const { owner, repo } = splitRepo(slug(input.repo));
      const out: Array<{ path: string; content: string | null }> = [];
      for (const path of input.paths) {
        const res = await callExpecting('read file', [404], () =>
          gh.rest.repos.getContent({ owner, repo, path, ref: input.ref, request: { signal: signal() } }),
        );
        const file = res?.data as { type?: string; content?: string } | undefined;
        const text =
          file?.type === 'file' && file.content !== undefined
            ? Buffer.from(file.content, 'base64').toString('utf8')
            : null;
        out.push({
          path,
          content: text !== null && input.maxBytes !== undefined ? text.slice(0, input.maxBytes) : text,
        });
      }
      return out;
    },
  };
}

export type GitHubActivities = ReturnType<typeof createGitHubActivities>;
