// The demo's CI part: a GitHub Actions failure on the agent's PR healed end to end against the dry-run
// GitHub. Without a token, Healer reads Actions from runs recorded under <state dir>/dry-run/actions: this
// records the failed run of the agent's PR there (its job log is examples/ci-test-job.log), delivers the
// signed `workflow_run` webhook to the API, waits for the incident (evaluated, reported, fix proposed,
// now waiting for the next run), records the agent's next, passing run, and waits for the incident to resolve.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Webhooks } from '@octokit/webhooks';
import { dryRunActionsDir } from '../activities/ci';
import { recordRun, type RecordedRun } from '../activities/ci/dry-run';
import type { IncidentView, SessionView } from '../core/contract';
import { projectRoot } from '../runtime/paths';
import { apiRequest } from './api-client';

export interface CiDemoOptions {
  api: { baseUrl: string; token?: string };
  /** The API's GITHUB_WEBHOOK_SECRET. */
  webhookSecret: string;
  /** HEALER_STATE_DIR of the worker (where the dry-run GitHub keeps its runs). */
  stateDir: string;
  /** A running session and its repository; the failure is on the branch of its task 1. */
  playId: string;
  repository: string;
  log: (line: string) => void;
  timeoutMs?: number;
}

const BRANCH = 'feature/task-1-orders-api';
const PR = { number: 7, title: 'Task 1: Add the /orders API endpoint' };

/** The failed run of the agent's PR (or, with `passed`, the agent's next push), as GitHub would report it. */
export function demoRun(repo: string, runId: number, opts: { passed?: boolean; at: string }): RecordedRun {
  const stamp = `${opts.at.replace('Z', '0000Z')} `;
  const log = readFileSync(join(projectRoot(), 'examples', 'ci-test-job.log'), 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((line) => stamp + line)
    .join('\n');
  const conclusion = opts.passed ? 'success' : 'failure';
  const sha = (opts.passed ? 'b' : 'a').repeat(40);
  return {
    run: {
      id: runId,
      name: 'CI',
      path: '.github/workflows/ci.yml',
      run_number: opts.passed ? 2 : 1,
      run_attempt: 1,
      workflow_id: 1001,
      head_branch: BRANCH,
      head_sha: sha,
      event: 'pull_request',
      status: 'completed',
      conclusion,
      actor: { login: '5dlabs-rex[bot]' },
      head_commit: { message: opts.passed ? 'Validate order items' : 'Add POST /orders' },
      created_at: opts.at,
      html_url: `https://github.com/${repo}/actions/runs/${runId}`,
      pull_requests: [{ number: PR.number }],
    },
    jobs: [
      {
        id: runId * 10 + 1,
        run_id: runId,
        run_attempt: 1,
        name: 'test',
        status: 'completed',
        conclusion,
        html_url: `https://github.com/${repo}/actions/runs/${runId}/job/${runId * 10 + 1}`,
        steps: [
          { number: 1, name: 'Set up job', status: 'completed', conclusion: 'success' },
          { number: 2, name: 'Run npm test -- --ci', status: 'completed', conclusion },
        ],
        ...(opts.passed ? {} : { log: `\ufeff${log}\n` }),
      },
    ],
    pull_request: {
      number: PR.number,
      title: PR.title,
      html_url: `https://github.com/${repo}/pull/${PR.number}`,
      head: { ref: BRANCH },
    },
    diff: [
      'diff --git a/src/orders.ts b/src/orders.ts',
      '@@ -0,0 +1,4 @@',
      '+export function createOrder(body: { items?: unknown[] }) {',
      '+  const total = body.items!.length;',
      '+  return { status: 201, total };',
      '+}',
    ].join('\n'),
  };
}

async function until<T>(
  what: string,
  read: () => Promise<T>,
  done: (value: T) => boolean,
  timeoutMs: number,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (done(value)) return value;
    if (Date.now() > deadline) throw new Error(`CI demo: ${what} did not happen within ${timeoutMs / 1000} s`);
    await new Promise((resolve) => setTimeout(resolve, 300));
  }
}

export async function showCiFailureHealed(opts: CiDemoOptions): Promise<IncidentView> {
  const { api, log } = opts;
  const timeoutMs = opts.timeoutMs ?? 60_000;
  const dir = dryRunActionsDir(opts.stateDir);
  const runId = Math.floor(Date.now() / 1000);
  const failed = demoRun(opts.repository, runId, { at: new Date().toISOString() });
  await recordRun(dir, opts.repository, failed);
  log(`CI: run ${runId} of ${opts.repository} failed on ${BRANCH} (PR #${PR.number}); delivering the webhook…`);

  const body = JSON.stringify({
    action: 'completed',
    workflow_run: failed.run,
    repository: { full_name: opts.repository },
    sender: failed.run.actor,
  });
  const response = await fetch(`${api.baseUrl}/api/v1/github/webhook`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'x-github-event': 'workflow_run',
      'x-github-delivery': `demo-${runId}`,
      'x-hub-signature-256': await new Webhooks({ secret: opts.webhookSecret }).sign(body),
    },
    body,
  });
  if (response.status !== 202)
    throw new Error(`CI demo: the webhook answered ${response.status} ${await response.text()}`);

  const session = () => apiRequest<SessionView>(api, 'GET', `/api/v1/session/${opts.playId}`);
  const view = await until(
    'the CI incident',
    session,
    (v) => v.incidents.some((i) => i.code.startsWith('C')),
    timeoutMs,
  );
  const incidentId = view.incidents.find((i) => i.code.startsWith('C'))!.id;
  const incident = () => apiRequest<IncidentView>(api, 'GET', `/api/v1/incidents/${incidentId}`);
  const waiting = await until(
    'the fix proposal',
    incident,
    (i) => i.step === 'verifying' || i.status !== 'open',
    timeoutMs,
  );
  log(
    `CI: incident ${incidentId} (${waiting.code}, ${waiting.evaluation?.summary ?? 'evaluated'}): ${waiting.events.at(-1)?.message ?? ''}`,
  );

  // The agent pushes a fix; GitHub runs the workflow again and it passes.
  await recordRun(
    dir,
    opts.repository,
    demoRun(opts.repository, runId + 1, { passed: true, at: new Date().toISOString() }),
  );
  log(`CI: run ${runId + 1} of CI passed on ${BRANCH} after the agent's next push`);
  const resolved = await until('the resolution', incident, (i) => i.status !== 'open', timeoutMs);
  log(`CI: incident ${incidentId} ${resolved.status}: ${resolved.reason ?? ''}`);
  return resolved;
}
