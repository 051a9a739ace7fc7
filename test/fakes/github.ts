// A fake GitHub REST API on 127.0.0.1 that speaks what Octokit calls for the healing chain: repos, issues
// (PRs appear in the issue list, as on GitHub), labels, comments, issue search, git refs, contents (base64,
// blob shas), commits by path, pulls with files and merges, check runs and combined statuses. Pagination
// uses Link headers; every response carries x-ratelimit-* headers. Failures are injected per route: 5xx, 403/429 rate limits
// with reset / retry-after headers, 422, and "lost responses" (the effect happens, the client sees a 502).
// GitHub Actions (runs, jobs, job logs behind their redirect) live in ./github-actions.ts as `actions`.
import { createHash } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { FakeActions } from './github-actions';

type Json = Record<string, unknown>;

interface Commit {
  sha: string;
  parent?: string;
  tree: Map<string, string>;
  message: string;
}
interface IssueRecord {
  number: number;
  title: string;
  body: string;
  state: 'open' | 'closed';
  stateReason: string | null;
  labels: string[];
  comments: Array<{ id: number; body: string; createdAt: string }>;
  createdAt: string;
  updatedAt: string;
  closedAt: string | null;
  pull?: { head: string; base: string; headSha: string; baseSha: string; merged: boolean; mergeSha?: string };
}
interface RepoState {
  owner: string;
  name: string;
  defaultBranch: string;
  branches: Map<string, string>;
  commits: Map<string, Commit>;
  issues: IssueRecord[];
  labels: Set<string>;
}

export type CiOutcome = 'success' | 'failure';

export interface InjectedFailure {
  method?: string;
  /** Matched against the path (no query string). */
  path: RegExp;
  /** 403 or 429 gets rate-limit headers; 'lost' applies the request, then answers 502. */
  status: number | 'lost';
  times?: number;
  /** 403/429: seconds until the limit resets (default 1). */
  resetAfterSecs?: number;
  message?: string;
}

export interface FakeGitHubOptions {
  /** Repository files on the default branch of every repo created on first use. */
  files?: Record<string, string>;
  /** CI result for each new head commit of a PR, in order; the last repeats. Default: success. */
  ciPlan?: CiOutcome[];
  /** How many CI polls a new commit reports "in_progress" before its outcome. */
  ciPendingPolls?: number;
  /** Paginate lists at this size when the client asks for more (to exercise Link headers). */
  maxPerPage?: number;
}

interface CiRecord {
  outcome: CiOutcome;
  checkPolls: number;
  statusPolls: number;
}

export interface RecordedRequest {
  method: string;
  path: string;
  body: string;
}

export class FakeGitHub {
  readonly requests: RecordedRequest[] = [];
  private server?: Server;
  private readonly repos = new Map<string, RepoState>();
  private readonly failures: Array<InjectedFailure & { remaining: number }> = [];
  private readonly ci = new Map<string, CiRecord>();
  private ciIndex = 0;
  private nextId = 1000;
  private rateRemaining = 5000;
  url = '';
  /** Workflow runs, jobs and logs; a push through the contents API may start a run (`actions.onPush`). */
  readonly actions = new FakeActions({
    baseUrl: () => this.url,
    page: (url, items, wrap) => this.page(url, items, wrap),
  });

  constructor(private readonly options: FakeGitHubOptions = {}) {}

  async start(): Promise<string> {
    this.server = createServer((req, res) => void this.handle(req, res));
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this.url;
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  // ── test controls and inspection ─────────────────────────────────────────────────────────────────

  fail(f: InjectedFailure): void {
    this.failures.push({ ...f, remaining: f.times ?? 1 });
  }
  setCiPlan(plan: CiOutcome[]): void {
    this.options.ciPlan = plan;
    this.ciIndex = 0;
  }
  pendingFailures(): number {
    return this.failures.reduce((n, f) => n + f.remaining, 0);
  }
  issues(repo: string): IssueRecord[] {
    return this.repo(repo).issues.filter((i) => !i.pull);
  }
  pulls(repo: string): IssueRecord[] {
    return this.repo(repo).issues.filter((i) => i.pull);
  }
  issue(repo: string, number: number): IssueRecord | undefined {
    return this.repo(repo).issues.find((i) => i.number === number);
  }
  branches(repo: string): string[] {
    return [...this.repo(repo).branches.keys()];
  }
  /** File content on a branch (default branch when omitted). */
  file(repo: string, path: string, branch?: string): string | undefined {
    const r = this.repo(repo);
    const sha = r.branches.get(branch ?? r.defaultBranch);
    return sha ? r.commits.get(sha)?.tree.get(path) : undefined;
  }
  /** Paths changed by every commit ever pushed to any branch (to prove a path was never written). */
  everWrittenPaths(repo: string): string[] {
    const out = new Set<string>();
    for (const c of this.repo(repo).commits.values()) {
      if (!c.parent) continue; // the initial content
      const parent = this.repo(repo).commits.get(c.parent);
      for (const [p, v] of c.tree) if (parent?.tree.get(p) !== v) out.add(p);
    }
    return [...out];
  }
  /** Every request body and path sent to the fake, concatenated (for secret scans). */
  allTraffic(): string {
    return this.requests.map((r) => `${r.method} ${r.path}\n${r.body}`).join('\n');
  }

  repo(full: string): RepoState {
    let r = this.repos.get(full);
    if (!r) {
      const [owner, name] = full.split('/');
      const tree = new Map(Object.entries(this.options.files ?? { 'README.md': '# repo\n' }));
      const root: Commit = { sha: this.sha(`root:${full}`), tree, message: 'initial' };
      r = {
        owner,
        name,
        defaultBranch: 'main',
        branches: new Map([['main', root.sha]]),
        commits: new Map([[root.sha, root]]),
        issues: [],
        labels: new Set(),
      };
      this.repos.set(full, r);
    }
    return r;
  }

  // ── HTTP ─────────────────────────────────────────────────────────────────────────────────────────

  private sha(seed: string): string {
    return createHash('sha1').update(`${seed}:${this.nextId++}`).digest('hex');
  }
  private blobSha(content: string): string {
    const buf = Buffer.from(content, 'utf8');
    return createHash('sha1').update(`blob ${buf.length}\0`).update(buf).digest('hex');
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const raw = Buffer.concat(chunks).toString('utf8');
    const url = new URL(req.url ?? '/', this.url);
    const method = req.method ?? 'GET';
    this.requests.push({ method, path: `${url.pathname}${url.search}`, body: raw });
    const reply = (status: number, body: unknown, headers: Record<string, string> = {}): void => {
      this.rateRemaining = Math.max(0, this.rateRemaining - 1);
      res.writeHead(status, {
        'content-type': 'application/json; charset=utf-8',
        'x-ratelimit-limit': '5000',
        'x-ratelimit-remaining': String(this.rateRemaining),
        'x-ratelimit-reset': String(Math.floor(Date.now() / 1000) + 3600),
        'x-ratelimit-resource': 'core',
        ...headers,
      });
      res.end(status === 204 ? undefined : JSON.stringify(body));
    };
    // Job-log download URLs carry their own signature, like GitHub's blob storage: no token needed.
    if (url.pathname.startsWith('/_blobs/')) {
      const blob = this.actions.blob(url);
      res.writeHead(blob.status, { 'content-type': blob.contentType });
      return void res.end(blob.body);
    }
    if (!req.headers.authorization) return reply(401, { message: 'Requires authentication', status: '401' });

    const failure = this.failures.find(
      (f) => f.remaining > 0 && (!f.method || f.method === method) && f.path.test(url.pathname),
    );
    if (failure && failure.status !== 'lost') {
      failure.remaining--;
      return this.injected(failure, reply);
    }
    let status = 200;
    let body: unknown;
    let headers: Record<string, string> = {};
    try {
      const out = this.route(method, url, raw ? (JSON.parse(raw) as Json) : {});
      ({ status, body } = out);
      headers = out.headers ?? {};
    } catch (error) {
      if (error instanceof HttpError)
        ({ status, body } = {
          status: error.status,
          body: { message: error.message, errors: error.errors, documentation_url: 'https://docs.github.com/rest' },
        });
      else ({ status, body } = { status: 500, body: { message: String(error) } });
    }
    if (failure && failure.status === 'lost') {
      failure.remaining--;
      return reply(502, { message: 'Server Error' });
    }
    reply(status, body, headers);
  }

  private injected(f: InjectedFailure, reply: (s: number, b: unknown, h?: Record<string, string>) => void): void {
    const status = f.status as number;
    const reset = f.resetAfterSecs ?? 1;
    if (status === 403 || status === 429) {
      const secondary = status === 429;
      return reply(
        status,
        {
          message:
            f.message ??
            (secondary ? 'You have exceeded a secondary rate limit.' : 'API rate limit exceeded for installation.'),
          documentation_url: 'https://docs.github.com/rest/rate-limit',
        },
        secondary
          ? { 'retry-after': String(reset) }
          : { 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': String(Math.ceil(Date.now() / 1000 + reset)) },
      );
    }
    if (status === 422)
      return reply(422, {
        message: f.message ?? 'Validation Failed',
        errors: [{ resource: 'Issue', code: 'invalid' }],
      });
    reply(status, { message: f.message ?? 'Server Error' });
  }

  private route(
    method: string,
    url: URL,
    body: Json,
  ): { status: number; body: unknown; headers?: Record<string, string> } {
    const p = url.pathname;
    const q = url.searchParams;
    let m: RegExpMatchArray | null;

    if (method === 'GET' && p === '/search/issues') return this.search(url);
    if (!(m = p.match(/^\/repos\/([^/]+)\/([^/]+)(\/.*)?$/))) throw new HttpError(404, 'Not Found');
    const full = `${m[1]}/${m[2]}`;
    const r = this.repo(full);
    const rest = m[3] ?? '';
    const ok = (b: unknown, status = 200) => ({ status, body: b });

    if (method === 'GET' && rest === '')
      return ok({ id: 1, name: r.name, full_name: full, default_branch: r.defaultBranch, owner: { login: r.owner } });
    const actions = this.actions.route(method, url, full, rest);
    if (actions) return actions;

    // issues
    if (rest === '/issues' && method === 'POST') {
      if (typeof body.title !== 'string' || body.title.length === 0)
        throw new HttpError(422, 'Validation Failed', [{ resource: 'Issue', field: 'title', code: 'missing_field' }]);
      const labels = ((body.labels as string[]) ?? []).map(String);
      labels.forEach((l) => r.labels.add(l));
      const now = new Date().toISOString();
      const issue: IssueRecord = {
        number: this.nextNumber(r),
        title: body.title,
        body: String(body.body ?? ''),
        state: 'open',
        stateReason: null,
        labels,
        comments: [],
        createdAt: now,
        updatedAt: now,
        closedAt: null,
      };
      r.issues.push(issue);
      return ok(this.issueJson(full, issue), 201);
    }
    if (rest === '/issues' && method === 'GET') {
      const state = q.get('state') ?? 'open';
      const labels = (q.get('labels') ?? '').split(',').filter(Boolean);
      let items = r.issues.filter(
        (i) => (state === 'all' || i.state === state) && labels.every((l) => i.labels.includes(l)),
      );
      items = q.get('direction') === 'asc' ? items : [...items].reverse();
      return this.page(
        url,
        items.map((i) => this.issueJson(full, i)),
      );
    }
    if ((m = rest.match(/^\/issues\/(\d+)$/))) {
      const issue = this.mustIssue(r, Number(m[1]));
      if (method === 'GET') return ok(this.issueJson(full, issue));
      if (method === 'PATCH') {
        if (typeof body.title === 'string') issue.title = body.title;
        if (typeof body.body === 'string') issue.body = body.body;
        if (Array.isArray(body.labels)) issue.labels = (body.labels as string[]).map(String);
        if (body.state === 'closed' || body.state === 'open') {
          if (issue.state !== body.state) issue.closedAt = body.state === 'closed' ? new Date().toISOString() : null;
          issue.state = body.state;
          issue.stateReason = body.state === 'closed' ? String(body.state_reason ?? 'completed') : null;
        }
        issue.updatedAt = new Date().toISOString();
        return ok(this.issueJson(full, issue));
      }
    }
    if ((m = rest.match(/^\/issues\/(\d+)\/labels$/)) && method === 'POST') {
      const issue = this.mustIssue(r, Number(m[1]));
      const labels = (Array.isArray(body.labels) ? body.labels : []) as string[];
      for (const l of labels) {
        r.labels.add(l);
        if (!issue.labels.includes(l)) issue.labels.push(l);
      }
      return ok(issue.labels.map((name) => ({ name })));
    }
    if ((m = rest.match(/^\/issues\/(\d+)\/comments$/))) {
      const issue = this.mustIssue(r, Number(m[1]));
      if (method === 'GET')
        return this.page(
          url,
          issue.comments.map((c) => ({
            id: c.id,
            body: c.body,
            created_at: c.createdAt,
            user: { login: 'healer[bot]' },
          })),
        );
      if (method === 'POST') {
        if (typeof body.body !== 'string' || !body.body)
          throw new HttpError(422, 'Validation Failed', [
            { resource: 'IssueComment', field: 'body', code: 'missing_field' },
          ]);
        const c = { id: this.nextId++, body: body.body, createdAt: new Date().toISOString() };
        issue.comments.push(c);
        return ok(
          { id: c.id, body: c.body, html_url: `${this.url}/${full}/issues/${issue.number}#issuecomment-${c.id}` },
          201,
        );
      }
    }
    if (rest === '/labels' && method === 'POST') {
      const name = String(body.name ?? '');
      if (r.labels.has(name))
        throw new HttpError(422, 'Validation Failed', [{ resource: 'Label', code: 'already_exists', field: 'name' }]);
      r.labels.add(name);
      return ok({ name, color: body.color ?? 'ededed' }, 201);
    }
    if (rest === '/labels' && method === 'GET')
      return this.page(
        url,
        [...r.labels].map((name) => ({ name })),
      );

    // git refs
    if ((m = decodeURIComponent(rest).match(/^\/git\/ref\/heads\/(.+)$/)) && method === 'GET') {
      const sha = r.branches.get(decodeURIComponent(m[1]));
      if (!sha) throw new HttpError(404, 'Not Found');
      return ok({ ref: `refs/heads/${decodeURIComponent(m[1])}`, object: { sha, type: 'commit' } });
    }
    if (rest === '/git/refs' && method === 'POST') {
      const ref = String(body.ref ?? '');
      if (!ref.startsWith('refs/heads/')) throw new HttpError(422, 'Reference name must start with refs/heads/');
      const name = ref.slice('refs/heads/'.length);
      if (r.branches.has(name)) throw new HttpError(422, 'Reference already exists');
      if (!r.commits.has(String(body.sha))) throw new HttpError(422, 'Object does not exist');
      r.branches.set(name, String(body.sha));
      return ok({ ref, object: { sha: body.sha, type: 'commit' } }, 201);
    }

    // contents
    if ((m = rest.match(/^\/contents\/(.+)$/))) {
      const path = decodeURIComponent(m[1]);
      const branch = (method === 'GET' ? q.get('ref') : (body.branch as string | undefined)) ?? r.defaultBranch;
      const head = r.branches.get(branch);
      if (!head) throw new HttpError(404, `No commit found for the ref ${branch}`);
      const tree = r.commits.get(head)!.tree;
      const existing = tree.get(path);
      if (method === 'GET') {
        if (existing === undefined) throw new HttpError(404, 'Not Found');
        return ok({
          type: 'file',
          encoding: 'base64',
          path,
          name: path.split('/').pop(),
          sha: this.blobSha(existing),
          size: Buffer.byteLength(existing),
          content: Buffer.from(existing).toString('base64'),
        });
      }
      if (method === 'PUT') {
        if (existing !== undefined && body.sha === undefined)
          throw new HttpError(422, `Invalid request.\n\n"sha" wasn't supplied.`);
        if (existing !== undefined && body.sha !== this.blobSha(existing))
          throw new HttpError(409, `${path} does not match ${String(body.sha)}`);
        const content = Buffer.from(String(body.content ?? ''), 'base64').toString('utf8');
        const next = new Map(tree);
        next.set(path, content);
        const commit: Commit = {
          sha: this.sha(`${full}:${branch}:${path}`),
          parent: head,
          tree: next,
          message: String(body.message ?? ''),
        };
        r.commits.set(commit.sha, commit);
        r.branches.set(branch, commit.sha);
        this.updatePullHeads(r, branch, commit.sha);
        this.actions.pushed(full, branch, commit.sha, commit.message);
        return ok(
          { content: { path, sha: this.blobSha(content) }, commit: { sha: commit.sha, message: commit.message } },
          existing === undefined ? 201 : 200,
        );
      }
    }

    // commits of a branch, newest first; `path` keeps those that changed that file
    if (rest === '/commits' && method === 'GET') {
      const path = q.get('path');
      const history: Commit[] = [];
      for (let sha = r.branches.get(q.get('sha') ?? r.defaultBranch); sha; sha = r.commits.get(sha)?.parent)
        history.push(r.commits.get(sha)!);
      const touching = history.filter((c) => {
        if (!path) return true;
        const parent = c.parent ? r.commits.get(c.parent) : undefined;
        return c.tree.get(path) !== parent?.tree.get(path);
      });
      return this.page(
        url,
        touching.map((c) => ({
          sha: c.sha,
          html_url: `${this.url}/${full}/commit/${c.sha}`,
          commit: { message: c.message, author: { name: 'agent', date: '2026-03-01T09:00:00Z' } },
        })),
      );
    }

    // pulls
    if (rest === '/pulls' && method === 'POST') {
      const head = String(body.head ?? '').replace(/^[^:]+:/, '');
      const base = String(body.base ?? r.defaultBranch);
      const headSha = r.branches.get(head);
      if (!headSha || !r.branches.has(base))
        throw new HttpError(422, 'Validation Failed', [{ resource: 'PullRequest', field: 'head', code: 'invalid' }]);
      if (r.issues.some((i) => i.pull && i.state === 'open' && i.pull.head === head && i.pull.base === base)) {
        throw new HttpError(422, 'Validation Failed', [
          { resource: 'PullRequest', code: 'custom', message: `A pull request already exists for ${r.owner}:${head}.` },
        ]);
      }
      if (this.diff(r, r.branches.get(base)!, headSha).length === 0) {
        throw new HttpError(422, 'Validation Failed', [
          { resource: 'PullRequest', code: 'custom', message: `No commits between ${base} and ${head}` },
        ]);
      }
      const now = new Date().toISOString();
      const pr: IssueRecord = {
        number: this.nextNumber(r),
        title: String(body.title ?? ''),
        body: String(body.body ?? ''),
        state: 'open',
        stateReason: null,
        labels: [],
        comments: [],
        createdAt: now,
        updatedAt: now,
        closedAt: null,
        pull: { head, base, headSha, baseSha: r.branches.get(base)!, merged: false },
      };
      r.issues.push(pr);
      return ok(this.pullJson(full, r, pr), 201);
    }
    if (rest === '/pulls' && method === 'GET') {
      const state = q.get('state') ?? 'open';
      const head = q.get('head')?.replace(/^[^:]+:/, '');
      const items = r.issues.filter(
        (i) =>
          i.pull &&
          (state === 'all' || i.state === state) &&
          (!head || i.pull.head === head) &&
          (!q.get('base') || i.pull.base === q.get('base')),
      );
      return this.page(
        url,
        [...items].reverse().map((i) => this.pullJson(full, r, i)),
      );
    }
    if ((m = rest.match(/^\/pulls\/(\d+)(\/files|\/merge)?$/))) {
      const pr = this.mustIssue(r, Number(m[1]));
      if (!pr.pull) throw new HttpError(404, 'Not Found');
      if (!m[2] && method === 'GET') return ok(this.pullJson(full, r, pr));
      if (m[2] === '/files' && method === 'GET') {
        const files = this.diff(
          r,
          pr.pull.baseSha,
          pr.pull.merged ? pr.pull.headSha : (r.branches.get(pr.pull.head) ?? pr.pull.headSha),
        );
        return this.page(
          url,
          files.map((f) => ({
            filename: f.path,
            status: f.status,
            additions: 1,
            deletions: f.status === 'added' ? 0 : 1,
            changes: 1,
            patch: f.patch,
          })),
        );
      }
      if (m[2] === '/merge' && method === 'PUT') {
        if (pr.pull.merged || pr.state !== 'open') throw new HttpError(405, 'Pull Request is not mergeable');
        const headCommit = r.commits.get(r.branches.get(pr.pull.head)!)!;
        const merge: Commit = {
          sha: this.sha(`merge:${pr.number}`),
          parent: r.branches.get(pr.pull.base),
          tree: new Map(headCommit.tree),
          message: String(body.commit_title ?? pr.title),
        };
        r.commits.set(merge.sha, merge);
        r.branches.set(pr.pull.base, merge.sha);
        Object.assign(pr, { state: 'closed', closedAt: new Date().toISOString() });
        pr.pull.merged = true;
        pr.pull.mergeSha = merge.sha;
        return ok({ sha: merge.sha, merged: true, message: 'Pull Request successfully merged' });
      }
    }

    // CI
    if ((m = rest.match(/^\/commits\/([^/]+)\/(check-runs|status)$/)) && method === 'GET') {
      const sha = r.branches.get(decodeURIComponent(m[1])) ?? decodeURIComponent(m[1]);
      const record = this.ciFor(sha);
      const polls = m[2] === 'check-runs' ? record.checkPolls++ : record.statusPolls++;
      const pending = polls < (this.options.ciPendingPolls ?? 1);
      if (m[2] === 'check-runs') {
        const run = pending
          ? { id: 1, name: 'build', status: 'in_progress', conclusion: null, output: { title: null, summary: null } }
          : {
              id: 1,
              name: 'build',
              status: 'completed',
              conclusion: record.outcome,
              output: {
                title: record.outcome,
                summary:
                  record.outcome === 'failure' ? 'error[E0308]: mismatched types at src/lib.rs:10' : 'all tests passed',
              },
            };
        return ok({ total_count: 1, check_runs: [{ ...run, head_sha: sha }] });
      }
      const state = pending ? 'pending' : record.outcome;
      return ok({
        state,
        sha,
        total_count: 1,
        statuses: [{ context: 'ci/lint', state, description: state === 'failure' ? 'lint failed' : 'lint' }],
      });
    }
    throw new HttpError(404, 'Not Found');
  }

  private ciFor(sha: string): CiRecord {
    let rec = this.ci.get(sha);
    if (!rec) {
      const plan = this.options.ciPlan ?? ['success'];
      rec = { outcome: plan[Math.min(this.ciIndex++, plan.length - 1)], checkPolls: 0, statusPolls: 0 };
      this.ci.set(sha, rec);
    }
    return rec;
  }

  private search(url: URL): { status: number; body: unknown; headers?: Record<string, string> } {
    const raw = url.searchParams.get('q') ?? '';
    const phrases = [...raw.matchAll(/"([^"]+)"/g)].map((x) => x[1].toLowerCase());
    const rest = raw
      .replace(/"[^"]+"/g, ' ')
      .split(/\s+/)
      .filter(Boolean);
    const repo = rest.find((t) => t.startsWith('repo:'))?.slice(5);
    const words = rest.filter((t) => !t.includes(':')).map((t) => t.toLowerCase());
    const isIssue = rest.includes('is:issue');
    const items: Json[] = [];
    for (const [full, r] of this.repos) {
      if (repo && repo !== full) continue;
      for (const i of r.issues) {
        if (isIssue && i.pull) continue;
        const text = `${i.title}\n${i.body}`.toLowerCase();
        if ([...phrases, ...words].every((w) => text.includes(w))) items.push(this.issueJson(full, i));
      }
    }
    return { status: 200, body: { total_count: items.length, incomplete_results: false, items } };
  }

  /** One page of `items` with GitHub's Link header; `wrap` shapes list endpoints that answer an object. */
  private page(
    url: URL,
    items: unknown[],
    wrap: (page: unknown[]) => unknown = (page) => page,
  ): { status: number; body: unknown; headers?: Record<string, string> } {
    const perPage = Math.min(Number(url.searchParams.get('per_page') ?? 30), 100, this.options.maxPerPage ?? 100);
    const page = Math.max(1, Number(url.searchParams.get('page') ?? 1));
    const last = Math.max(1, Math.ceil(items.length / perPage));
    const link = (n: number, rel: string): string => {
      const u = new URL(url.toString());
      u.searchParams.set('page', String(n));
      u.searchParams.set('per_page', String(perPage));
      return `<${u.toString()}>; rel="${rel}"`;
    };
    const links = [
      page < last && link(page + 1, 'next'),
      page < last && link(last, 'last'),
      page > 1 && link(page - 1, 'prev'),
      page > 1 && link(1, 'first'),
    ].filter(Boolean);
    return {
      status: 200,
      body: wrap(items.slice((page - 1) * perPage, page * perPage)),
      headers: links.length ? { link: links.join(', ') } : {},
    };
  }

  private diff(r: RepoState, baseSha: string, headSha: string): Array<{ path: string; status: string; patch: string }> {
    const base = r.commits.get(baseSha)!.tree;
    const head = r.commits.get(headSha)!.tree;
    const out: Array<{ path: string; status: string; patch: string }> = [];
    for (const [p, v] of head)
      if (base.get(p) !== v)
        out.push({ path: p, status: base.has(p) ? 'modified' : 'added', patch: wholeFileHunk(base.get(p), v) });
    for (const p of base.keys())
      if (!head.has(p)) out.push({ path: p, status: 'removed', patch: wholeFileHunk(base.get(p), undefined) });
    return out;
  }

  private updatePullHeads(r: RepoState, branch: string, sha: string): void {
    for (const i of r.issues) if (i.pull && i.state === 'open' && i.pull.head === branch) i.pull.headSha = sha;
  }

  private nextNumber(r: RepoState): number {
    return r.issues.length + 1;
  }

  private mustIssue(r: RepoState, n: number): IssueRecord {
    const i = r.issues.find((x) => x.number === n);
    if (!i) throw new HttpError(404, 'Not Found');
    return i;
  }

  private issueJson(full: string, i: IssueRecord): Json {
    return {
      id: i.number + 100000,
      number: i.number,
      title: i.title,
      body: i.body,
      state: i.state,
      state_reason: i.stateReason,
      labels: i.labels.map((name) => ({ name })),
      comments: i.comments.length,
      html_url: `${this.url}/${full}/${i.pull ? 'pull' : 'issues'}/${i.number}`,
      url: `${this.url}/repos/${full}/issues/${i.number}`,
      created_at: i.createdAt,
      updated_at: i.updatedAt,
      closed_at: i.closedAt,
      user: { login: 'healer[bot]' },
      ...(i.pull ? { pull_request: { url: `${this.url}/repos/${full}/pulls/${i.number}` } } : {}),
    };
  }

  private pullJson(full: string, r: RepoState, i: IssueRecord): Json {
    const p = i.pull!;
    return {
      id: i.number + 200000,
      number: i.number,
      title: i.title,
      body: i.body,
      state: i.state,
      merged: p.merged,
      merge_commit_sha: p.mergeSha ?? null,
      html_url: `${this.url}/${full}/pull/${i.number}`,
      head: { ref: p.head, sha: r.branches.get(p.head) ?? p.headSha, label: `${r.owner}:${p.head}` },
      base: { ref: p.base, sha: p.baseSha, label: `${r.owner}:${p.base}` },
      created_at: i.createdAt,
      closed_at: i.closedAt,
    };
  }
}

/** A unified-diff hunk replacing the whole file (what GitHub's `patch` field holds, without context lines). */
function wholeFileHunk(before: string | undefined, after: string | undefined): string {
  const lines = (text: string | undefined) =>
    text === undefined || text === '' ? [] : text.replace(/\n$/, '').split('\n');
  const old = lines(before);
  const now = lines(after);
  return [
    `@@ -${old.length ? 1 : 0},${old.length} +${now.length ? 1 : 0},${now.length} @@`,
    ...old.map((line) => `-${line}`),
    ...now.map((line) => `+${line}`),
  ].join('\n');
}

class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly errors?: unknown[],
  ) {
    super(message);
  }
}

export async function startFakeGitHub(options: FakeGitHubOptions = {}): Promise<FakeGitHub> {
  const fake = new FakeGitHub(options);
  await fake.start();
  return fake;
}
