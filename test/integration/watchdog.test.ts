// The watchdog and its recovery playbooks on the real dev server, with short timers: components are
// in-process heartbeat senders behind a local supervisor; escalations go to the fake Discord and GitHub.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Fastify from 'fastify';
import { WorkflowFailedError, type Client } from '@temporalio/client';
import { historyToJSON } from '@temporalio/common/lib/proto-utils';
import { bundleWorkflowCode } from '@temporalio/worker';
import { createOctokit } from '../../activities/incident/github';
import { watchdogRoutes } from '../../api/watchdog/routes';
import { runAuditCommand } from '../../cli/audit';
import type { AuditEntry } from '../../core/watchdog/audit/entry';
import { runWatchdogWorker, type RunningWatchdogWorker } from '../../workers/watchdog';
import {
  playbookStatusQuery,
  watchdogStatusQuery,
  type PlaybookInput,
  type PlaybookResult,
  type WatchdogSettings,
  type WatchdogView,
} from '../../core/contract';
import { startFakeDiscord, type FakeDiscord } from '../fakes/discord';
import { startFakeGitHub, type FakeGitHub } from '../fakes/github';
import {
  closeTestConnections,
  eventually,
  testClient,
  testNativeConnection,
  uniqueId,
  uniqueTaskQueue,
} from '../support/temporal';
import { FakeSupervisor } from './watchdog-fixtures';

const FAST: Partial<WatchdogSettings> = {
  silentAfterMs: 2000,
  stuckAfterMs: 2000,
  allSilentAfterMs: 4000,
  restartLimit: 3,
  restartWindowMs: 600_000,
  backoffBaseMs: 300,
  backoffMaxMs: 2000,
  playbookDurationScale: 0.2,
};
const ISSUES_REPO = { owner: '5dlabs', repo: 'healer-ops' };

let bundle: { code: string };
let discord: FakeDiscord;
let github: FakeGitHub;

beforeAll(async () => {
  bundle = await bundleWorkflowCode({
    workflowsPath: require.resolve('../../workflows/watchdog/watchdog'),
    logger: { trace() {}, debug() {}, info() {}, warn() {}, error: console.error, log() {} },
  });
  discord = await startFakeDiscord();
  github = await startFakeGitHub();
}, 120_000);

afterAll(async () => {
  await discord?.stop();
  await github?.stop();
  await closeTestConnections();
});

interface Harness {
  client: Client;
  namespace: string;
  taskQueue: string;
  supervisor: FakeSupervisor;
  auditLogPath: string;
  worker: RunningWatchdogWorker;
  view(): Promise<WatchdogView>;
  auditEntries(): AuditEntry[];
  startWorker(): Promise<RunningWatchdogWorker>;
  runPlaybook(input: Omit<PlaybookInput, 'namespace'>, workflowId?: string): Promise<PlaybookResult>;
  close(): Promise<void>;
}

async function harness(components: string[], settings: Partial<WatchdogSettings> = FAST): Promise<Harness> {
  const client = await testClient();
  const taskQueue = uniqueTaskQueue('watchdog');
  const namespace = uniqueId('wd').toLowerCase();
  const auditLogPath = join(mkdtempSync(join(tmpdir(), 'healer-wd-')), 'audit.jsonl');
  const supervisor = new FakeSupervisor({ client, namespace, taskQueue, intervalMs: 400 });
  await supervisor.start([]);
  const startWorker = async () =>
    runWatchdogWorker({
      connection: await testNativeConnection(),
      client,
      taskQueue,
      namespace,
      components,
      settings,
      auditLogPath,
      supervisorUrl: supervisor.url,
      github: {
        octokit: createOctokit('test-token', github.url),
        issuesRepo: `${ISSUES_REPO.owner}/${ISSUES_REPO.repo}`,
      },
      discordWebhookUrl: discord.webhookUrl,
      workflowBundle: bundle,
      workerOptions: { shutdownGraceTime: '1s' },
    });
  const h: Harness = {
    client,
    namespace,
    taskQueue,
    supervisor,
    auditLogPath,
    worker: await startWorker(),
    startWorker,
    view: () => client.workflow.getHandle(`watchdog-${namespace}`).query(watchdogStatusQuery),
    auditEntries: () =>
      readFileSync(auditLogPath, 'utf8')
        .trim()
        .split('\n')
        .filter(Boolean)
        .map((l) => JSON.parse(l) as AuditEntry),
    runPlaybook: (input, workflowId = uniqueId('pb')) =>
      client.workflow.execute('playbook', {
        taskQueue,
        workflowId,
        args: [{ ...input, namespace, watchdogWorkflowId: `watchdog-${namespace}` }],
      }) as Promise<PlaybookResult>,
    async close() {
      await supervisor.stop();
      await client.workflow
        .getHandle(`watchdog-${namespace}`)
        .terminate('test over')
        .catch(() => undefined);
      await h.worker.shutdown();
    },
  };
  return h;
}

/** Start heartbeating components after the watchdog exists (so it keeps the test settings). */
async function bringUp(h: Harness, components: string[]): Promise<void> {
  for (const name of components) h.supervisor.addComponent(name);
  await eventually(
    h.view,
    (v) => components.every((n) => v.components.find((c) => c.name === n)?.healthy === true),
    20_000,
  );
}

async function recordHistory(client: Client, workflowId: string, file: string): Promise<void> {
  if (process.env.RECORD_HISTORIES !== '1') return;
  const history = await client.workflow.getHandle(workflowId).fetchHistory();
  writeFileSync(join(__dirname, '..', 'histories', file), `${historyToJSON(history)}\n`);
}

const stepIds = (result: PlaybookResult) => result.steps.map((s) => (s.item ? `${s.stepId}[${s.item}]` : s.stepId));

test('a killed component is restarted by the healthy side, every step audited once, chain verifiable, visible in the API', async () => {
  const h = await harness(['scanner', 'worker']);
  try {
    await bringUp(h, ['scanner', 'worker']);
    const before = h.supervisor.instanceOf('scanner');
    h.supervisor.kill('scanner');

    const view = await eventually(h.view, (v) => v.history.some((r) => r.components.includes('scanner')), 40_000);
    const run = view.history[0];
    expect(run).toMatchObject({ playbook: 'healer_mutual_restart', components: ['scanner'], outcome: 'succeeded' });
    const result = (await h.client.workflow.getHandle(run.workflowId).result()) as PlaybookResult;
    expect(stepIds(result)).toEqual([
      'verify_recovering_side',
      'restart_failed',
      'verify_back',
      'verify_both',
      'audit',
    ]);
    expect(result.steps.every((s) => s.status === 'succeeded')).toBe(true);
    expect(result.escalated).toBe(false);

    // Restarted exactly once, with the action's idempotency key; back as a new instance.
    expect(h.supervisor.restartCount('scanner')).toBe(1);
    expect(h.supervisor.requests.filter((r) => r.path.endsWith('/restart')).map((r) => r.key)).toEqual([
      `${run.workflowId}/restart_failed`,
    ]);
    const scanner = view.components.find((c) => c.name === 'scanner')!;
    expect(scanner).toMatchObject({ healthy: true, state: 'healthy', restartsInWindow: 1 });
    expect(scanner.instanceId).not.toBe(before);
    expect(view.running).toEqual([]);

    // Audit: one entry per step (the audit step writes the summary), each key once, chain intact.
    const entries = h.auditEntries().filter((e) => e.playbookRun === run.workflowId);
    expect(entries.map((e) => e.action)).toEqual([
      'healer_mutual_restart.verify_recovering_side',
      'healer_mutual_restart.restart_failed',
      'healer_mutual_restart.verify_back',
      'healer_mutual_restart.verify_both',
      'playbook.summary',
    ]);
    expect(new Set(entries.map((e) => e.key)).size).toBe(entries.length);
    const summary = entries[entries.length - 1];
    expect(summary).toMatchObject({ result: 'succeeded', target: 'healer_mutual_restart' });
    expect(summary.details?.recoveryMs).toEqual(expect.any(Number));
    const io = { stdout: { write: () => true }, stderr: { write: () => true } };
    expect(await runAuditCommand(['verify', h.auditLogPath], io)).toBe(0);

    // The API shows the same state.
    const app = Fastify();
    await app.register(watchdogRoutes, { client: h.client, namespace: h.namespace });
    const url = await app.listen({ host: '127.0.0.1', port: 0 });
    try {
      const response = await fetch(`${url}/api/v1/watchdog`);
      expect(response.status).toBe(200);
      const body = (await response.json()) as WatchdogView;
      expect(body.components.map((c) => c.name).sort()).toEqual(['scanner', 'worker']);
      expect(body.history[0].workflowId).toBe(run.workflowId);
      expect((await fetch(`${url}/api/v1/watchdog?namespace=nobody-here`)).status).toBe(404);
    } finally {
      await app.close();
    }

    // Tampering with any line is detected and named.
    const lines = readFileSync(h.auditLogPath, 'utf8').split('\n');
    lines[1] = lines[1].replace('"succeeded"', '"failed"');
    writeFileSync(h.auditLogPath, lines.join('\n'));
    const out: string[] = [];
    expect(
      await runAuditCommand(['verify', h.auditLogPath], {
        stdout: { write: (t: string) => out.push(t) },
        stderr: io.stderr,
      }),
    ).toBe(1);
    expect(out.join('')).toMatch(/BROKEN at entry 2 \(line 2\)/);

    // The watchdog's state survives continue-as-new (the test server suggests it every 120 events).
    const cansBefore = (await h.view()).continuedAsNew;
    const after = await eventually(h.view, (v) => v.continuedAsNew > cansBefore, 40_000);
    expect(after.history[0].workflowId).toBe(run.workflowId);
    expect(after.components.find((c) => c.name === 'scanner')).toMatchObject({ restartsInWindow: 1, healthy: true });

    await recordHistory(h.client, run.workflowId, 'playbook-mutual-restart.json');
  } finally {
    await h.close();
  }
});

test('a component that heartbeats but is stuck (cursor frozen with new data) is restarted too', async () => {
  const h = await harness(['scanner', 'worker']);
  try {
    await bringUp(h, ['scanner', 'worker']);
    h.supervisor.freeze('scanner');
    await eventually(
      h.view,
      (v) => v.components.find((c) => c.name === 'scanner')?.state === 'stuck' || v.running.length > 0,
      20_000,
    );
    const view = await eventually(h.view, (v) => v.history.some((r) => r.components.includes('scanner')), 40_000);
    expect(view.history[0]).toMatchObject({ playbook: 'healer_mutual_restart', outcome: 'succeeded' });
    expect(h.supervisor.restartCount('scanner')).toBe(1);
    expect(view.components.find((c) => c.name === 'scanner')).toMatchObject({ healthy: true });
  } finally {
    await h.close();
  }
});

test('both sides silent: the emergency playbook runs every step in order and revokes the delegation', async () => {
  const h = await harness(['scanner', 'worker']);
  try {
    await bringUp(h, ['scanner', 'worker']);
    h.supervisor.kill('scanner');
    h.supervisor.kill('worker');

    const view = await eventually(
      h.view,
      (v) => v.history.some((r) => r.playbook === 'emergency_healer_recovery'),
      60_000,
    );
    const run = view.history.find((r) => r.playbook === 'emergency_healer_recovery')!;
    expect(run.outcome).toBe('succeeded');
    expect(view.history.filter((r) => r.playbook === 'healer_mutual_restart')).toEqual([]);
    const result = (await h.client.workflow.getHandle(run.workflowId).result()) as PlaybookResult;
    expect(stepIds(result)).toEqual([
      'enter_emergency_mode',
      'delegate',
      'force_restart[scanner]',
      'force_restart[worker]',
      'verify_each[scanner]',
      'verify_each[worker]',
      'revoke_delegation',
      'leave_emergency_mode',
      'verify_mutual_recovery',
      'audit',
    ]);
    // Delegated up, then revoked back to zero; each side restarted once.
    expect(
      h.supervisor.requests
        .filter((r) => r.path.endsWith('/scale'))
        .map((r) => (r.body as { replicas: number }).replicas),
    ).toEqual([1, 0]);
    expect(h.supervisor.standby.get('healer-worker-standby')).toBe(0);
    expect([h.supervisor.restartCount('scanner'), h.supervisor.restartCount('worker')]).toEqual([1, 1]);
    expect(view.emergencyMode).toBe(false);
    expect(view.components.every((c) => c.healthy)).toBe(true);
    const summary = h.auditEntries().find((e) => e.playbookRun === run.workflowId && e.action === 'playbook.summary');
    expect(summary?.details?.recoveryMs).toEqual(expect.any(Number));

    await recordHistory(h.client, run.workflowId, 'playbook-emergency.json');
  } finally {
    await h.close();
  }
});

test('emergency with a failing restart: revocation and leaving emergency mode still run, humans are told', async () => {
  const h = await harness([]);
  try {
    h.supervisor.addComponent('scanner');
    h.supervisor.addComponent('worker');
    h.supervisor.failingRestarts.add('worker');
    // Both dead before the recovery starts (a restart step leaves a component it finds alive alone).
    h.supervisor.kill('scanner');
    h.supervisor.kill('worker');
    await eventually(h.view, (v) => v.components.length === 2 && v.components.every((c) => !c.healthy), 20_000);
    const workflowId = uniqueId('emergency-fail');
    const result = await h.runPlaybook(
      { playbook: 'emergency_healer_recovery', params: { components: ['scanner', 'worker'] }, durationScale: 0.1 },
      workflowId,
    );

    expect(result.outcome).toBe('failed');
    const status = Object.fromEntries(
      result.steps.map((s) => [s.item ? `${s.stepId}[${s.item}]` : s.stepId, s.status]),
    );
    expect(status).toEqual({
      enter_emergency_mode: 'succeeded',
      delegate: 'succeeded',
      'force_restart[scanner]': 'succeeded',
      'force_restart[worker]': 'failed',
      revoke_delegation: 'succeeded',
      leave_emergency_mode: 'succeeded',
      audit: 'succeeded',
      verify_each: 'skipped',
      verify_mutual_recovery: 'skipped',
    });
    // Three tries at the failing restart, then the standby pool was scaled back down.
    const restarts = h.supervisor.requests.filter((r) => r.path === '/components/worker/restart');
    expect(restarts.filter((r) => r.key?.startsWith(workflowId))).toHaveLength(3);
    expect(h.supervisor.standby.get('healer-worker-standby')).toBe(0);
    expect((await h.view()).emergencyMode).toBe(false);

    // Escalated once: a GitHub issue and a Discord message naming the failed step.
    expect(result.escalated).toBe(true);
    const issues = github.issues(`${ISSUES_REPO.owner}/${ISSUES_REPO.repo}`).filter((i) => i.body.includes(workflowId));
    expect(issues).toHaveLength(1);
    expect(issues[0].labels).toContain('healer-escalation');
    expect(issues[0].body).toMatch(/force_restart.*\[worker\] failed/);
    expect(discord.messages.filter((m) => m.content.includes(workflowId))).toHaveLength(1);
    const audited = h.auditEntries().filter((e) => e.playbookRun === workflowId);
    expect(audited.map((e) => `${e.action}:${e.result}`)).toContain('escalate:escalated');
    expect(audited.map((e) => `${e.action}:${e.result}`)).toContain('emergency_healer_recovery.verify_each:skipped');
  } finally {
    await h.close();
  }
});

test('a restart that keeps failing stops at the limit, marks the component failed and escalates', async () => {
  const h = await harness(['scanner', 'worker'], { ...FAST, restartLimit: 2 });
  try {
    await bringUp(h, ['scanner', 'worker']);
    h.supervisor.brokenRestarts.add('scanner');
    h.supervisor.kill('scanner');

    const view = await eventually(
      h.view,
      (v) => v.components.find((c) => c.name === 'scanner')?.state === 'failed',
      90_000,
    );
    const scanner = view.components.find((c) => c.name === 'scanner')!;
    expect(scanner.restartsInWindow).toBe(2);
    expect(scanner.failedReason).toMatch(/after 2 restarts/);
    expect(h.supervisor.restartCount('scanner')).toBe(2);
    expect(view.history.filter((r) => r.components.includes('scanner')).map((r) => r.outcome)).toEqual([
      'failed',
      'failed',
    ]);
    expect(view.escalations.map((e) => e.component)).toContain('scanner');
    await eventually(
      async () =>
        github
          .issues(`${ISSUES_REPO.owner}/${ISSUES_REPO.repo}`)
          .filter((i) => i.title.includes('gave up on scanner') && i.body.includes('2 restarts')),
      (found) => found.length === 1,
    );
    // The healthy side was never touched.
    expect(h.supervisor.restartCount('worker')).toBe(0);
  } finally {
    await h.close();
  }
});

test('a component given up on is tried again after its retry back-off, and its return is audited', async () => {
  const h = await harness(['scanner', 'worker'], { ...FAST, restartLimit: 1, retryFailedAfterMs: 3000 });
  try {
    await bringUp(h, ['scanner', 'worker']);
    h.supervisor.brokenRestarts.add('scanner');
    h.supervisor.kill('scanner');
    const failed = await eventually(
      h.view,
      (v) => v.components.find((c) => c.name === 'scanner')?.state === 'failed',
      60_000,
    );
    const scanner = failed.components.find((c) => c.name === 'scanner')!;
    expect(scanner.nextRetryAt).toEqual(expect.any(String));
    // The cause was transient: the next try brings it back, without anyone acting.
    h.supervisor.brokenRestarts.delete('scanner');
    await eventually(
      async () =>
        github
          .issues(`${ISSUES_REPO.owner}/${ISSUES_REPO.repo}`)
          .filter((i) => i.title.includes('gave up on scanner') && i.body.includes(h.namespace)),
      (found) => found.length === 1 && /tries it again every 3 s/.test(found[0].body),
    );

    const back = await eventually(
      h.view,
      (v) => v.components.find((c) => c.name === 'scanner')?.healthy === true,
      60_000,
    );
    expect(back.components.find((c) => c.name === 'scanner')!.failedReason).toBeUndefined();
    expect(h.supervisor.restartCount('scanner')).toBe(2);
    await eventually(
      async () => h.auditEntries().filter((e) => e.action === 'component.recovered' && e.target === 'scanner'),
      (entries) => entries.length === 1,
    );
  } finally {
    await h.close();
  }
});

test('an SLO overrun cancels the running step, runs the always steps and escalates', async () => {
  const h = await harness([]);
  try {
    const source = {
      file: 'playbooks/slow_recovery.yaml',
      text: `name: slow_recovery
slo: 2s
parameters:
  component: { type: string, required: true }
steps:
  - id: wait_for_ghost
    action: verify_healthy
    params: { component: "{{ component }}" }
    timeout: 1s
    retry: { attempts: 50, interval: 300ms }
  - id: never_reached
    action: restart_component
    params: { component: "{{ component }}" }
  - id: audit
    action: audit
    params: { message: "slow recovery of {{ component }}" }
    always: true
`,
    };
    const workflowId = uniqueId('slo');
    const result = await h.runPlaybook(
      { playbook: 'slow_recovery', source, params: { component: 'ghost' } },
      workflowId,
    );
    expect(result.outcome).toBe('slo_exceeded');
    expect(result.steps.map((s) => `${s.stepId}:${s.status}`)).toEqual([
      'wait_for_ghost:failed',
      'audit:succeeded',
      'never_reached:skipped',
    ]);
    expect(result.steps[0].error).toMatch(/SLO/);
    expect(result.escalated).toBe(true);
    expect(
      discord.messages.filter((m) => m.content.includes(workflowId) && m.content.includes('slo_exceeded')),
    ).toHaveLength(1);
    expect(h.supervisor.requests.filter((r) => r.path.includes('ghost'))).toEqual([]);
  } finally {
    await h.close();
  }
});

test('the watchdog worker restarted mid-playbook resumes where it was', async () => {
  // Full-length playbook timers: the 60 s SLO has to cover a watchdog worker shutdown and restart,
  // which takes a while on a busy two-core machine.
  const h = await harness(['scanner', 'worker'], { ...FAST, playbookDurationScale: 1 });
  try {
    await bringUp(h, ['scanner', 'worker']);
    h.supervisor.heldRestarts.add('scanner');
    h.supervisor.kill('scanner');
    const running = await eventually(h.view, (v) => v.running.length === 1, 30_000);
    const child = h.client.workflow.getHandle(running.running[0].workflowId);
    await eventually(
      () => child.query(playbookStatusQuery),
      (s) => s.current === 'verify_back',
      30_000,
    );

    await h.worker.shutdown();
    h.supervisor.release('scanner'); // the component comes back while no watchdog worker runs
    h.worker = await h.startWorker();

    const result = (await child.result()) as PlaybookResult;
    expect(result.outcome).toBe('succeeded');
    expect(stepIds(result)).toEqual([
      'verify_recovering_side',
      'restart_failed',
      'verify_back',
      'verify_both',
      'audit',
    ]);
    expect(h.supervisor.restartCount('scanner')).toBe(1);
    const view = await eventually(h.view, (v) => v.history.length === 1);
    expect(view.history[0].outcome).toBe('succeeded');
    expect(
      h.auditEntries().filter((e) => e.playbookRun === result.workflowId && e.action.endsWith('restart_failed')),
    ).toHaveLength(1);
  } finally {
    await h.close();
  }
});

test('bad playbook files are rejected with file and line before any step runs', async () => {
  const h = await harness([]);
  try {
    const source = {
      file: 'playbooks/broken.yaml',
      text: 'name: broken\nslo: 10s\nsteps:\n  - id: a\n    action: reboot_everything\n',
    };
    const failure = await h.runPlaybook({ playbook: 'broken', source, params: {} }).catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(WorkflowFailedError);
    const message = String((failure as WorkflowFailedError).cause?.message);
    expect(message).toMatch(/playbooks\/broken\.yaml:5: step a: unknown action "reboot_everything"/);

    const missing = await h.runPlaybook({ playbook: 'no_such_playbook', params: {} }).catch((e: unknown) => e);
    expect(String((missing as WorkflowFailedError).cause?.message)).toMatch(
      /no playbook file .*no_such_playbook\.yaml/,
    );

    const badParams = await h
      .runPlaybook({ playbook: 'healer_mutual_restart', params: { failed_component: 'scanner' } })
      .catch((e: unknown) => e);
    expect(String((badParams as WorkflowFailedError).cause?.message)).toMatch(
      /missing required parameter "healthy_component"/,
    );
    expect(h.supervisor.requests).toEqual([]);
  } finally {
    await h.close();
  }
});
