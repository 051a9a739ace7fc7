import { readFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CoreV1Api, CustomObjectsApi } from '@kubernetes/client-node';
import { ApplicationFailure } from '@temporalio/common';
import { createContextActivities } from '../../../activities/incident/context';
import { DEFAULT_CONTEXT_WINDOW } from '../../../core/incident/log-window';
import { createGitHubActivities, createOctokit } from '../../../activities/incident/github';
import { createNotifyActivities } from '../../../activities/incident/notify';
import { codeRunName, createRemediationActivities } from '../../../activities/incident/remediation';
import { DEFAULT_PATH_POLICY } from '../../../core/incident/path-policy';
import { evaluateByRules } from '../../../core/incident/rule-evaluator';
import type { Detection } from '../../../core/contract';
import { startFakeDiscord, type FakeDiscord } from '../../fakes/discord';
import { startFakeGitHub, type FakeGitHub } from '../../fakes/github';
import { kubeConfigFor, startFakeKubernetes, type FakeKubernetes } from '../../fakes/kubernetes';

const SECRET = 'ghp_abcdefghijklmnopqrstuvwxyz0123456789';
const det: Detection = {
  code: 'A7',
  severity: 'critical',
  priority: 'P2',
  patternId: 'a7',
  fingerprint: 'fp',
  line: `pod crashed token=${SECRET}`,
  source: 'kubernetes-state',
  observedAt: '2026-01-01T00:00:00Z',
  pod: 'rex-1',
};

describe('Discord notifications (fake Discord)', () => {
  let discord: FakeDiscord;
  beforeEach(async () => (discord = await startFakeDiscord()));
  afterEach(() => discord.stop());

  it('posts redacted content without mentions', async () => {
    const n = createNotifyActivities({ webhookUrl: discord.webhookUrl });
    expect(await n.notifyDiscord({ key: 'k', content: `@everyone leaked ${SECRET}` })).toEqual({
      sent: true,
      messageId: expect.any(String), // ?wait=true: the id a later edit (the issue link) needs
    });
    expect(discord.messages).toHaveLength(1);
    expect(discord.messages[0].content).not.toContain(SECRET);
    expect(discord.messages[0].username).toBe('Healer');
  });

  it('turns a 429 into a Temporal retry after retry_after, and holds back while the bucket is empty', async () => {
    let now = 1_000_000;
    const n = createNotifyActivities({ webhookUrl: discord.webhookUrl, now: () => now });
    discord.rateLimitNext(1, 1.5);
    const err = (await n.notifyDiscord({ key: 'k', content: 'hi' }).catch((e: unknown) => e)) as ApplicationFailure;
    expect(err).toBeInstanceOf(ApplicationFailure);
    expect(err).toMatchObject({ type: 'DiscordRateLimited', nextRetryDelay: 1500 });
    // Within the window no request is even sent.
    const attempts = discord.attempts;
    await expect(n.notifyDiscord({ key: 'k', content: 'hi' })).rejects.toMatchObject({ type: 'DiscordRateLimited' });
    expect(discord.attempts).toBe(attempts);
    now += 1600;
    expect(await n.notifyDiscord({ key: 'k', content: 'hi' })).toMatchObject({ sent: true });
  });

  it('is skipped without a webhook and refuses bad payloads without retry', async () => {
    expect(await createNotifyActivities({}).notifyDiscord({ key: 'k', content: 'x' })).toEqual({
      sent: false,
      reason: 'DISCORD_WEBHOOK_URL not set',
    });
    await expect(
      createNotifyActivities({ webhookUrl: `${discord.url}/api/webhooks/1/t` }).notifyDiscord({
        key: 'k',
        content: '',
      }),
    ).rejects.toMatchObject({ nonRetryable: true });
  });
});

describe('context gathering and the evidence store (fake Kubernetes)', () => {
  let kube: FakeKubernetes;
  beforeEach(async () => (kube = await startFakeKubernetes()));
  afterEach(() => kube.close());

  it('stores the full context on disk and returns a small redacted reference', async () => {
    kube.addPod({
      metadata: { name: 'rex-1', namespace: 'cto' },
      status: {
        phase: 'Running',
        containerStatuses: [{ name: 'agent', restartCount: 4, ready: false, image: 'x', imageID: 'y', state: {} }],
      },
    });
    kube.addEvent({
      metadata: { name: 'e1', namespace: 'cto' },
      involvedObject: { kind: 'Pod', name: 'rex-1', namespace: 'cto' },
      type: 'Warning',
      reason: 'BackOff',
      message: 'Back-off restarting failed container',
    });
    const kc = kubeConfigFor(kube);
    const stateDir = mkdtempSync(join(tmpdir(), 'healer-ctx-'));
    const window = Array.from({ length: 500 }, (_, i) => `line ${i} secret=${SECRET}`);
    const ctx = createContextActivities({
      stateDir,
      logWindow: async () => window,
      kube: { core: kc.makeApiClient(CoreV1Api), custom: kc.makeApiClient(CustomObjectsApi) },
    });
    const ref = await ctx.gatherContext({ incidentId: 'incident-p-fp', playId: 'p', namespace: 'cto', detection: det });
    expect(ref.ref).toBe(join(stateDir, 'incidents', 'incident-p-fp', 'context.json'));
    expect(ref.logLines).toBe(500);
    // The window's caps (200 lines) plus the detection's own line.
    expect(ref.excerpt.length).toBeLessThanOrEqual(DEFAULT_CONTEXT_WINDOW.maxLines + 1);
    expect(ref.notes).toEqual(
      expect.arrayContaining([
        'pod rex-1: phase Running, restarts 4',
        'event BackOff: Back-off restarting failed container',
      ]),
    );
    expect(JSON.stringify(ref)).not.toContain(SECRET);
    const stored = readFileSync(ref.ref, 'utf8');
    expect(JSON.parse(stored).logWindow).toHaveLength(500);
    expect(stored).not.toContain(SECRET);
  });

  it('records unavailable sources instead of failing', async () => {
    const stateDir = mkdtempSync(join(tmpdir(), 'healer-ctx-'));
    const ctx = createContextActivities({
      stateDir,
      logWindow: async () => {
        throw new Error('loki down');
      },
    });
    const ref = await ctx.gatherContext({ incidentId: 'i', playId: 'p', namespace: 'cto', detection: det });
    expect(ref.notes).toEqual(['unavailable: log window: loki down']);
    expect(ref.excerpt).toHaveLength(1);
  });
});

describe('remediation activities', () => {
  let kube: FakeKubernetes;
  let github: FakeGitHub;
  beforeEach(async () => {
    kube = await startFakeKubernetes();
    github = await startFakeGitHub();
  });
  afterEach(async () => {
    await kube.close();
    await github.stop();
  });

  const make = () => {
    const kc = kubeConfigFor(kube);
    const gh = createGitHubActivities({ octokit: createOctokit('t', github.url) });
    return createRemediationActivities({ github: gh, kube: { custom: kc.makeApiClient(CustomObjectsApi) } });
  };

  it('creates one remediation CodeRun per incident round, idempotently', async () => {
    const r = make();
    const req = {
      incidentId: 'incident-p-fp',
      playId: 'p',
      namespace: 'cto',
      repo: 'acme/app',
      issue: { repo: 'acme/app', number: 3, title: 't', dryRun: false },
      evaluation: evaluateByRules(det),
      round: 1,
      policy: DEFAULT_PATH_POLICY,
    };
    expect(await r.createRemediationCodeRun(req)).toEqual({ name: codeRunName('incident-p-fp', 1), created: true });
    expect(await r.createRemediationCodeRun(req)).toEqual({ name: codeRunName('incident-p-fp', 1), created: false });
    const runs = kube.list('agents.platform/v1/coderuns', 'cto');
    expect(runs).toHaveLength(1);
    expect(runs[0].spec).toMatchObject({
      runType: 'remediation',
      branch: 'healer/incident-p-fp',
      issueNumber: 3,
      repositoryUrl: 'https://github.com/acme/app',
    });
    expect(JSON.stringify(runs[0])).not.toContain(SECRET);
    expect(await r.codeRunPhase({ namespace: 'cto', name: runs[0].metadata.name })).toBe('Unknown');
    expect(await r.codeRunPhase({ namespace: 'cto', name: 'nope' })).toBe('Missing');
  });

  it('refuses to apply a patch with a forbidden path, writing nothing', async () => {
    const r = make();
    const patch = {
      summary: 's',
      explanation: 'e',
      edits: [
        { path: 'src/a.rs', content: 'x' },
        { path: 'config/.env', content: 'K=V' },
      ],
    };
    await expect(
      r.applyPatch({
        incidentId: 'i',
        repo: 'acme/app',
        code: 'R1',
        summary: 's',
        issue: { repo: 'acme/app', number: 1, title: 't', dryRun: false },
        patch,
        round: 1,
        policy: DEFAULT_PATH_POLICY,
      }),
    ).rejects.toMatchObject({ type: 'ForbiddenPath', nonRetryable: true });
    expect(github.requests).toHaveLength(0);
  });

  it('prepares a prompt with the allowed affected files only', async () => {
    github.repo('acme/app');
    const r = make();
    const evaluation = { ...evaluateByRules(det), affectedFiles: ['README.md', '.env'] };
    const p = await r.preparePatchPrompt({
      incidentId: 'i',
      repo: 'acme/app',
      issueTitle: 't',
      evaluation,
      round: 1,
      policy: DEFAULT_PATH_POLICY,
    });
    expect(p.prompt).toContain('FILE README.md');
    expect(p.prompt).not.toContain('.env');
  });
});
