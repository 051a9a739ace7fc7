// A GitHub Actions world for the CI integration tests: the fake GitHub (with Actions), the real API (with
// the webhook route) and a worker running every Healer workflow with the real activities pointed at the
// fake, on the suite's dev server. An agent's PR is opened through Octokit, as an agent would.
import { Webhooks } from '@octokit/webhooks';
import type { Octokit } from '@octokit/rest';
import type { Worker } from '@temporalio/worker';
import type { Client } from '@temporalio/client';
import { createActivities } from '../../activities';
import { createOctokit } from '../../activities/incident/github';
import { statusQuery, sessionWorkflowId, type SessionView } from '../../core/contract';
import { startFakeGitHub, type FakeGitHub } from '../fakes/github';
import { startFakeGemini, type FakeGemini } from '../fakes/gemini';
import { EVAL_MODEL, PATCH_MODEL, thinGateway } from '../fakes/model-gateway';
import { http, startTestApi, type TestApi } from '../support/api';
import {
  closeTestConnections,
  createTestWorker,
  eventually,
  testClient,
  uniqueId,
  uniqueTaskQueue,
} from '../support/temporal';

export const WEBHOOK_SECRET = 'It is a secret to everybody';
const MODEL_KEY = 'test-key';

export interface CiWorld {
  github: FakeGitHub;
  gemini?: FakeGemini;
  api: TestApi;
  client: Client;
  /** The agent's Octokit against the fake (the same client Healer uses). */
  agent: Octokit;
  repo: string;
  taskQueue: string;
  startSession(playId: string, remediation?: Record<string, unknown>): Promise<void>;
  session(playId: string): Promise<SessionView>;
  /** Opens the agent's PR: a branch from main with `files` committed, then the PR. */
  openAgentPullRequest(
    branch: string,
    title: string,
    files: Record<string, string>,
  ): Promise<{ number: number; headSha: string }>;
  /** Posts a delivery as GitHub would: JSON body signed with `secret` (default: the configured one). */
  deliver(
    event: string,
    payload: unknown,
    opts?: { delivery?: string; secret?: string; body?: string; signature?: string | null },
  ): Promise<{ status: number; body: Record<string, unknown> }>;
  close(): Promise<void>;
}

export async function startCiWorld(
  opts: { secret?: string | null; model?: boolean; dryRun?: boolean; env?: Record<string, string> } = {},
): Promise<CiWorld> {
  const github = await startFakeGitHub({
    files: { 'src/orders.ts': 'export const total = 41;\n', 'README.md': '# app\n' },
  });
  const gemini = opts.model
    ? await startFakeGemini({ apiKey: MODEL_KEY, models: [{ id: EVAL_MODEL }, { id: PATCH_MODEL }] })
    : undefined;
  const taskQueue = uniqueTaskQueue('ci');
  const llmTaskQueue = uniqueTaskQueue('ci-llm');
  const api = await startTestApi({
    taskQueue,
    settings: { llmTaskQueue },
    env: {
      // A dry run has no token: GitHub effects are recorded, Actions runs read from the state directory.
      ...(opts.dryRun ? {} : { GITHUB_TOKEN: 'test-token', GITHUB_API_URL: github.url }),
      ...(opts.secret === null ? {} : { GITHUB_WEBHOOK_SECRET: opts.secret ?? WEBHOOK_SECRET }),
      ...opts.env,
    },
  });
  const client = await testClient();
  const workers: Worker[] = [
    await createTestWorker({ taskQueue, activities: createActivities({ config: api.config, kube: null }) }),
    await createTestWorker({
      taskQueue: llmTaskQueue,
      activities: thinGateway(gemini?.url ?? '', gemini ? MODEL_KEY : undefined),
    }),
  ];
  const running = workers.map((worker) => worker.run());
  const repo = `acme/app-${uniqueId('r').replace(/[^a-z0-9-]/gi, '')}`;
  const agent = createOctokit('agent-token', github.url);
  const [owner, name] = repo.split('/');
  const signer = new Webhooks({ secret: opts.secret ?? WEBHOOK_SECRET });

  return {
    github,
    gemini,
    api,
    client,
    agent,
    repo,
    taskQueue,
    async startSession(playId, remediation) {
      const started = await http(`${api.url}/api/v1/session/start`, 'POST', {
        play_id: playId,
        repository: repo,
        cto_config: {
          agents: { rex: { tools: { remote: ['github_create_pr'] } }, blaze: { tools: { remote: [] } } },
          remediation: { ciPollSecs: 0.2, ciTimeoutSecs: 60, ...remediation },
        },
        tasks: [
          { id: 3, title: 'Orders API', agent_hint: 'rex' },
          { id: 4, title: 'Front end', agent_hint: 'blaze' },
        ],
      });
      if (started.status !== 201) throw new Error(`session start: ${started.status} ${JSON.stringify(started.body)}`);
      // The intake finds sessions through Temporal visibility: wait until it lists this one.
      await eventually(
        async () => {
          let found = false;
          for await (const _ of client.workflow.list({
            query: `WorkflowId = '${sessionWorkflowId(playId)}' AND ExecutionStatus = 'Running'`,
          }))
            found = true;
          return found;
        },
        (found) => found,
      );
    },
    session: (playId) => client.workflow.getHandle(sessionWorkflowId(playId)).query(statusQuery),
    async openAgentPullRequest(branch, title, files) {
      const main = await agent.rest.git.getRef({ owner, repo: name, ref: 'heads/main' });
      await agent.rest.git.createRef({ owner, repo: name, ref: `refs/heads/${branch}`, sha: main.data.object.sha });
      let headSha = main.data.object.sha;
      for (const [path, content] of Object.entries(files)) {
        const existing = await agent.rest.repos
          .getContent({ owner, repo: name, path, ref: branch })
          .then((r) => (r.data as { sha: string }).sha)
          .catch(() => undefined);
        const put = await agent.rest.repos.createOrUpdateFileContents({
          owner,
          repo: name,
          path,
          branch,
          message: `${title}: ${path}`,
          content: Buffer.from(content).toString('base64'),
          ...(existing ? { sha: existing } : {}),
        });
        headSha = put.data.commit.sha!;
      }
      const pr = await agent.rest.pulls.create({ owner, repo: name, head: branch, base: 'main', title });
      return { number: pr.data.number, headSha };
    },
    async deliver(event, payload, deliverOpts = {}) {
      const body = deliverOpts.body ?? JSON.stringify(payload);
      const signature =
        deliverOpts.signature === null
          ? undefined
          : (deliverOpts.signature ??
            (deliverOpts.secret
              ? await new Webhooks({ secret: deliverOpts.secret }).sign(body)
              : await signer.sign(body)));
      const response = await http(`${api.url}/api/v1/github/webhook`, 'POST', body, {
        'x-github-event': event,
        'x-github-delivery': deliverOpts.delivery ?? uniqueId('delivery'),
        ...(signature ? { 'x-hub-signature-256': signature } : {}),
      });
      return { status: response.status, body: response.body as Record<string, unknown> };
    },
    async close() {
      await api.close();
      for (const worker of workers) worker.shutdown();
      await Promise.all(running);
      await Promise.all([github.stop(), gemini?.stop()]);
    },
  };
}

/** One world for the test file's `describe`: started before its tests, closed after them. */
export function useCiWorld(opts: Parameters<typeof startCiWorld>[0] = {}): () => CiWorld {
  let world: CiWorld | undefined;
  beforeAll(async () => {
    world = await startCiWorld(opts);
  });
  afterAll(async () => {
    await world?.close();
    await closeTestConnections();
  });
  return () => world!;
}
