// The whole session on the real dev server with the production wiring (createActivities), GitHub, Discord
// and Loki through their fakes and no model key (the rule-based evaluator): incidents gather the window of
// every agent after its end (Loki and the pushed lines), see the session's other failures, link to an open incident with the same
// root cause on GitHub, tell Discord at detection time; the pre-flight checklist decides each item from
// evidence and raises what fails (P1), and a failure that blocks every agent (P0).
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Worker } from '@temporalio/worker';
import { createActivities } from '../../activities';
import { createGitHubActivities, createOctokit } from '../../activities/incident/github';
import {
  agentReadySignal,
  agentStartedSignal,
  incidentStatusQuery,
  sessionWorkflowId,
  type IncidentView,
  type SessionView,
} from '../../core/contract';
import { loadConfig } from '../../runtime/config';
import { renderView } from '../../cli/session';
import { startFakeDiscord, type FakeDiscord } from '../fakes/discord';
import { startFakeGitHub, type FakeGitHub } from '../fakes/github';
import { startFakeLoki, type FakeLoki } from '../fakes/loki';
import { thinGateway } from '../fakes/model-gateway';
import { http, startTestApi, type TestApi } from '../support/api';
import { samplePayload } from '../support/sessions';
import {
  closeTestConnections,
  createTestWorker,
  eventually,
  testClient,
  uniqueId,
  uniqueTaskQueue,
} from '../support/temporal';

jest.setTimeout(180_000);

const REPO = 'acme/app';
const AFTER_SECS = 3;

describe('incident context on a live session', () => {
  const taskQueue = uniqueTaskQueue('context-incident');
  const llmTaskQueue = uniqueTaskQueue('context-incident-llm');
  let github: FakeGitHub;
  let discord: FakeDiscord;
  let loki: FakeLoki;
  let api: TestApi;
  const workers: Worker[] = [];
  const runs: Promise<void>[] = [];

  beforeAll(async () => {
    github = await startFakeGitHub({ files: { 'src/api.ts': 'export const api = 1;\n' } });
    discord = await startFakeDiscord();
    loki = await startFakeLoki();
    const config = loadConfig({
      LOKI_URL: loki.url,
      HEALER_LOG_LEVEL: 'silent',
      HEALER_STATE_DIR: mkdtempSync(join(tmpdir(), 'healer-context-')),
      GITHUB_TOKEN: 'test-token',
      GITHUB_API_URL: github.url,
      DISCORD_WEBHOOK_URL: discord.webhookUrl,
    });
    workers.push(await createTestWorker({ taskQueue, activities: createActivities({ config, kube: null }) }));
    workers.push(
      await createTestWorker({ taskQueue: llmTaskQueue, activities: thinGateway('http://unused', undefined) }),
    );
    for (const worker of workers) runs.push(worker.run());
    api = await startTestApi({
      taskQueue,
      settings: {
        llmTaskQueue,
        preflightWindowMs: 2500,
        contextWindow: { beforeSecs: 300, afterSecs: AFTER_SECS, maxLines: 200, maxBytes: 16_384 },
        remediationDefaults: { ciPollSecs: 0.2 },
      },
    });
  });

  afterAll(async () => {
    await api?.close();
    for (const worker of workers) worker.shutdown();
    await Promise.all(runs);
    await Promise.all([github?.stop(), discord?.stop(), loki?.close()]);
    await closeTestConnections();
  });

  const start = async (playId: string, ctoConfig: Record<string, unknown> = {}) => {
    const payload = samplePayload(playId);
    const response = await http(`${api.url}/api/v1/session/start`, 'POST', {
      ...payload,
      repository: REPO,
      cto_config: { ...(payload.cto_config as Record<string, unknown>), ...ctoConfig },
    });
    expect(response.status).toBe(201);
  };
  const push = async (playId: string, agent: string, lines: string[]) => {
    const response = await http(`${api.url}/api/v1/session/${playId}/logs`, 'POST', {
      lines,
      labels: { agent, task_id: agent === 'rex' ? '1' : '2', pod: `${agent}-0` },
    });
    expect(response.status).toBe(202);
  };
  const session = async (playId: string) =>
    (await http(`${api.url}/api/v1/session/${playId}`, 'GET')).body as SessionView;
  const incidentView = async (id: string) =>
    (await testClient()).workflow.getHandle(id).query(incidentStatusQuery) as Promise<IncidentView>;
  const finished = (id: string) =>
    eventually(
      () => incidentView(id),
      (v) => v.status !== 'open',
      60_000,
    );
  const issueOf = (view: IncidentView) => github.issues(REPO).find((i) => i.number === view.issue?.number)!;

  test('two agents failing on one root cause a second apart: analysed together, the later links to the earlier', async () => {
    const playId = uniqueId('linked');
    await start(playId);
    // The agent's PR for task 1, to show in the GitHub context.
    const gh = createGitHubActivities({ octokit: createOctokit('t', github.url) });
    await gh.ensureBranch({ incidentId: 'setup', repo: REPO, branch: 'feature/task-1-api' });
    await gh.commitFiles({
      incidentId: 'setup',
      repo: REPO,
      branch: 'feature/task-1-api',
      edits: [{ path: 'src/api.ts', content: 'export const api = 2;\n' }],
      message: 'Task 1: the API',
      policy: { allow: [], deny: [] },
    });
    await gh.findOrOpenPullRequest({
      incidentId: 'setup',
      repo: REPO,
      branch: 'feature/task-1-api',
      title: 'Task 1: Implement the API',
      body: 'agent PR',
    });

    const now = Date.now();
    const at = (offsetSecs: number) => new Date(now + offsetSecs * 1000).toISOString();
    // What Loki collected from the pods (the scanner's source), besides what was pushed.
    const nanos = (offsetSecs: number) => BigInt(now + offsetSecs * 1000) * 1_000_000n;
    loki.push({ namespace: 'cto', play_id: playId, agent: 'blaze', pod: 'blaze-0' }, 'INFO blaze idle', nanos(-30));
    loki.push({ namespace: 'cto', play_id: 'another-play', agent: 'rex' }, 'ERROR not this session', nanos(-20));
    await push(playId, 'tess', [`${at(-60)} INFO tess waiting for review`]);
    await push(playId, 'rex', [
      `${at(-90)} INFO rex building src/api.ts`,
      `${at(0)} ERROR connection refused to tools-server:8080 while serving src/api.ts`,
    ]);
    await new Promise((r) => setTimeout(r, 1000));
    await push(playId, 'cleo', [`${at(1)} ERROR MCP server failed to initialize: tools-server:8080 did not answer`]);

    const opened = await eventually(
      () => session(playId),
      (v) => v.incidents.length === 2,
    );
    const rexId = opened.incidents.find((i) => i.code === 'R2')!.id;
    const cleoId = opened.incidents.find((i) => i.code === 'A12')!.id;
    const [rex, cleo] = await Promise.all([finished(rexId), finished(cleoId)]);

    // cleo's incident shares rex's root cause: linked to it, no second fix.
    expect(cleo.status).toBe('linked');
    expect(cleo.linkedTo).toMatchObject({ incidentId: rexId, issue: { number: rex.issue!.number } });
    expect(cleo.evaluation?.sharedRootCauseWith).toBe(rexId);
    expect(cleo.reason).toContain(`shares its root cause with ${rexId} (#${rex.issue!.number})`);
    const rexIssue = issueOf(rex);
    const cleoIssue = issueOf(cleo);
    expect(rexIssue.comments.map((c) => c.body).join('\n')).toContain(
      `Incident \`${cleoId}\` (#${cleoIssue.number}) shares this root cause`,
    );
    expect(cleoIssue.comments.map((c) => c.body).join('\n')).toContain(
      `#${cleoIssue.number} shares its root cause with #${rexIssue.number} (\`${rexId}\`)`,
    );
    expect(cleoIssue).toMatchObject({ state: 'closed', stateReason: 'not_planned' });
    expect(github.pulls(REPO)).toHaveLength(1); // only the agent's own PR: nobody proposed a second fix

    // rex's issue: the window of every agent (pushed lines), cleo's failure correlated, the task's PR.
    expect(rex.context).toMatchObject({
      sources: [
        { name: 'loki', lines: 1 },
        { name: 'pushed', lines: 4 },
      ],
      correlated: 1,
    });
    expect(rexIssue.body).toContain('blaze | INFO blaze idle');
    expect(rexIssue.body).not.toContain('not this session');
    expect(rexIssue.body).toContain('### Log window (redacted)');
    expect(rexIssue.body).toMatch(/tess \| \S+ INFO tess waiting for review/);
    expect(rexIssue.body).toMatch(/cleo \[A12\] \| \S+ ERROR MCP server failed to initialize/);
    expect(rexIssue.body).toContain('### Other failures of the session in the window');
    expect(rexIssue.body).toMatch(/Task PR \[#\d+ Task 1: Implement the API\]\(.*\) on `feature\/task-1-api`: CI \*\*/);
    // The default branch's last commits touching the file the log names.
    expect(rexIssue.body).toMatch(/`[0-9a-f]{7}` initial \(touches `src\/api.ts`, agent, 2026-03-01T09:00:00Z\)/);
    expect(cleoIssue.body).toContain(`### Shares its root cause with\n#${rexIssue.number} (\`${rexId}\``);
    // The incidents gathered only after the window's end.
    expect(rex.events.map((e) => e.message).join('\n')).toMatch(/gathered the log window after waiting \d+ s/);
  });

  test('critical means immediate: Discord hears at detection time, through a 429, and gets the issue link', async () => {
    const playId = uniqueId('critical');
    await start(playId);
    discord.rateLimitNext(1, 0.3);
    const pushedAt = Date.now();
    await push(playId, 'rex', ["thread 'main' panicked at src/api.ts:10:5: called unwrap() on None"]);
    const message = await eventually(
      async () => discord.messages.find((m) => m.content.includes('R1') && m.content.includes(playId)),
      (m) => m !== undefined,
    );
    // Told before the analysis: the incident is still waiting for its window when Discord has it.
    expect(message!.content).toMatch(
      /Detected\*\* R1: thread 'main' panicked .* critical P2 in play .*; issue to follow/,
    );
    expect(message!.receivedAt - pushedAt).toBeLessThan(AFTER_SECS * 1000);
    expect(github.issues(REPO).some((i) => i.body.includes(playId) && i.title.includes('R1'))).toBe(false);
    const incidentId = (await session(playId)).incidents[0].id;
    const view = await finished(incidentId);
    const edited = await eventually(
      async () => discord.messages.find((m) => m.id === message!.id),
      (m) => m?.editedAt !== undefined,
    );
    expect(edited!.content).toContain(view.issue!.url!);
    expect(edited!.content).toContain(view.issue!.title);
    expect(discord.attempts).toBeGreaterThanOrEqual(3); // the 429, then the post, then the edit
  });

  test('the pre-flight checklist: each item from evidence, unknown raised under policy fail, P0 when all agents are blocked', async () => {
    const client = await testClient();
    const playId = uniqueId('preflight');
    // The session's own policy, as users write it in cto-config.json.
    await start(playId, { defaults: { preflight: { unknownIs: 'fail' } } });
    const handle = client.workflow.getHandle(sessionWorkflowId(playId));
    await handle.signal(agentStartedSignal, { agent: 'rex' });
    await handle.signal(agentStartedSignal, { agent: 'cleo' });
    await handle.signal(agentReadySignal, {
      agent: 'rex',
      taskId: '1',
      checks: { templateLoaded: true, languageContext: { ok: false, detail: 'no language for task 1' } },
    });
    // Each agent's own log: its tool inventory (rex lacks brave_search) and the tools-server down for both.
    await push(playId, 'rex', [
      'tool inventory: [github_create_pr, read_file, write_file]',
      'ERROR tools-server unreachable: dial tcp tools-server:8080: connection refused',
    ]);
    await push(playId, 'cleo', [
      'tool inventory: [github_get_pr]',
      'ERROR tools-server unreachable: dial tcp tools-server:8080: connection refused',
    ]);

    const view = await eventually(
      () => session(playId),
      (v) =>
        v.agents.every(
          (a) => a.preflight?.agentType.state !== 'pending' && a.preflight?.templateLoaded.state !== 'pending',
        ),
      30_000,
    );
    const rex = view.agents.find((a) => a.name === 'rex')!.preflight!;
    const cleo = view.agents.find((a) => a.name === 'cleo')!.preflight!;
    expect(view.preflightUnknownIs).toBe('fail');
    expect(rex.agentType).toMatchObject({ state: 'pass', evidence: expect.stringContaining('declared in cto_config') });
    expect(rex.roleMatchesTask).toMatchObject({
      state: 'pass',
      evidence: 'task 1 "Implement the API" names rex (agent_hint)',
    });
    expect(rex.templateLoaded).toMatchObject({ state: 'pass', evidence: 'agentReady rex: template loaded ok' });
    expect(rex.languageContext).toMatchObject({
      state: 'fail',
      evidence: expect.stringContaining('no language for task 1'),
    });
    expect(rex.remoteTools).toMatchObject({
      state: 'fail',
      evidence: 'toolInventory: missing remote tools brave_search',
    });
    expect(rex.localServers).toMatchObject({ state: 'pass' });
    expect(rex.toolsServer).toMatchObject({
      state: 'fail',
      evidence: expect.stringContaining('tools-server unreachable'),
    });
    expect(cleo.remoteTools.state).toBe('pass');
    // No evidence within the window: unknown, never passed.
    expect(cleo.templateLoaded).toMatchObject({
      state: 'unknown',
      evidence: 'no evidence within the pre-flight window',
    });
    expect(cleo.roleMatchesTask.state).toBe('unknown');

    const lines = view.fingerprints.map((f) => `${f.code} ${f.line}`);
    // A10 naming the missing tool; the agent's own report of a failed item; unknown items under policy fail.
    expect(lines).toEqual(
      expect.arrayContaining([
        'A10 pre-flight: agent rex is missing declared tools: brave_search',
        expect.stringMatching(/^L4 pre-flight: agent rex: language context set failed — agentReady rex/),
        'L1 pre-flight: agent cleo: template loaded failed — no evidence within the pre-flight window',
        expect.stringMatching(/^A12 pre-flight: tools-server reachable failed for every agent \(rex, cleo\)/),
      ]),
    );
    const p0 = view.fingerprints.find((f) => f.fingerprint === 'preflight-all-agents-toolsserver')!;
    expect(p0).toMatchObject({ code: 'A12', severity: 'critical' });
    expect(view.fingerprints.filter((f) => f.fingerprint === p0.fingerprint)).toHaveLength(1);
    // The P0 reaches Discord at once.
    await eventually(
      async () =>
        discord.messages.some((m) => m.content.includes('failed for every agent') && m.content.includes(playId)),
      (told) => told,
    );
    // `healer session show` lists every item with its evidence.
    const shown = renderView(view);
    expect(shown).toContain('fail    remote tools accessible — toolInventory: missing remote tools brave_search');
    expect(shown).toContain('unknown template loaded — no evidence within the pre-flight window');
  });
});
