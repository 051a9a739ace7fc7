// The watchdog's audit log across a watchdog restart, as on its PersistentVolume: a recovery is audited,
// the watchdog worker stops and a new one starts on the same file, a second recovery is audited; the
// hash chain continues unbroken and `healer audit verify` passes. The watchdog's metrics (heartbeats,
// restarts, playbook runs) count what happened, through the bundle's workflow interceptors and sinks.
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { bundleWorkflowCode } from '@temporalio/worker';
import { createOctokit } from '../../activities/incident/github';
import { runAuditCommand } from '../../cli/audit';
import { watchdogStatusQuery, type WatchdogView } from '../../core/contract';
import type { AuditEntry } from '../../core/watchdog/audit/entry';
import { healerMetrics } from '../../runtime/metrics';
import { WORKFLOW_INTERCEPTOR_MODULES } from '../../runtime/workflow-bundle';
import { runWatchdogWorker, type RunningWatchdogWorker } from '../../workers/watchdog';
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

const metrics = healerMetrics('watchdog');
let github: FakeGitHub;
afterAll(async () => {
  await github?.stop();
  await closeTestConnections();
});

function total(text: string, name: string, labels: Record<string, string>): number {
  return text
    .split('\n')
    .filter((l) => l.startsWith(`${name}{`) && Object.entries(labels).every(([k, v]) => l.includes(`${k}="${v}"`)))
    .reduce((sum, l) => sum + Number(l.slice(l.lastIndexOf(' ') + 1)), 0);
}

test('the audit chain continues across a watchdog restart and verifies; the watchdog metrics count it', async () => {
  github = await startFakeGitHub();
  const noop = () => undefined;
  const workflowBundle = await bundleWorkflowCode({
    workflowsPath: require.resolve('../../workflows/watchdog/watchdog'),
    workflowInterceptorModules: WORKFLOW_INTERCEPTOR_MODULES,
    logger: { trace: noop, debug: noop, info: noop, warn: noop, error: console.error, log: noop },
  });
  const client = await testClient();
  const taskQueue = uniqueTaskQueue('audit');
  const namespace = uniqueId('audit').toLowerCase();
  // The PersistentVolume: the one thing both watchdog processes share.
  const auditLogPath = join(mkdtempSync(join(tmpdir(), 'healer-audit-pv-')), 'audit.jsonl');
  const supervisor = new FakeSupervisor({ client, namespace, taskQueue, intervalMs: 400 });
  await supervisor.start([]);
  const startWatchdog = async (): Promise<RunningWatchdogWorker> =>
    runWatchdogWorker({
      connection: await testNativeConnection(),
      client,
      taskQueue,
      namespace,
      components: ['scanner', 'worker'],
      settings: {
        silentAfterMs: 2000,
        stuckAfterMs: 2000,
        allSilentAfterMs: 4000,
        backoffBaseMs: 300,
        backoffMaxMs: 2000,
        playbookDurationScale: 0.2,
      },
      auditLogPath,
      supervisorUrl: supervisor.url,
      github: { octokit: createOctokit('test-token', github.url), issuesRepo: '5dlabs/healer-ops' },
      workflowBundle,
      workerOptions: { shutdownGraceTime: '1s' },
    });
  const view = () => client.workflow.getHandle(`watchdog-${namespace}`).query(watchdogStatusQuery);
  const recoveries = (v: WatchdogView) => v.history.filter((r) => r.components.includes('scanner')).length;
  const before = await metrics.registry.metrics();
  let watchdog = await startWatchdog();
  try {
    for (const name of ['scanner', 'worker']) supervisor.addComponent(name);
    await eventually(view, (v) => v.components.every((c) => c.healthy), 20_000);
    supervisor.kill('scanner');
    await eventually(view, (v) => recoveries(v) === 1 && v.running.length === 0, 40_000);

    // The watchdog restarts: a new worker, same audit file.
    await watchdog.shutdown();
    watchdog = await startWatchdog();
    await eventually(view, (v) => v.components.find((c) => c.name === 'scanner')?.healthy === true, 20_000);
    supervisor.kill('scanner');
    const after = await eventually(view, (v) => recoveries(v) === 2 && v.running.length === 0, 60_000);
    expect(after.history.filter((r) => r.components.includes('scanner')).map((r) => r.outcome)).toEqual([
      'succeeded',
      'succeeded',
    ]);

    const entries = readFileSync(auditLogPath, 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as AuditEntry);
    // One chain: sequence numbers without a gap, each entry linked to the one before, both runs in it.
    expect(entries.map((e) => e.seq)).toEqual(entries.map((_, i) => i + 1));
    const runs = [...new Set(entries.map((e) => e.playbookRun))];
    expect(runs).toHaveLength(2);
    expect(entries.filter((e) => e.action === 'playbook.summary')).toHaveLength(2);
    const out: string[] = [];
    const io = { stdout: { write: (t: string) => out.push(t) }, stderr: { write: (t: string) => out.push(t) } };
    expect(await runAuditCommand(['verify', auditLogPath], io)).toBe(0);
    expect(out.join('')).toContain(`ok, ${entries.length} entries, chain intact`);

    const text = await metrics.registry.metrics();
    const moved = (name: string, labels: Record<string, string>) =>
      total(text, name, labels) - total(before, name, labels);
    expect(moved('healer_watchdog_heartbeats_total', { sender: 'scanner' })).toBeGreaterThan(0);
    expect(moved('healer_watchdog_heartbeats_total', { sender: 'worker' })).toBeGreaterThan(0);
    expect(moved('healer_watchdog_restarts_total', { target: 'scanner', outcome: 'restarted' })).toBe(2);
    expect(moved('healer_playbook_runs_total', { playbook: 'healer_mutual_restart', outcome: 'succeeded' })).toBe(2);
    expect(moved('healer_chain_step_duration_seconds_count', { step: 'restartComponent', outcome: 'ok' })).toBe(2);
  } finally {
    await supervisor.stop();
    await client.workflow
      .getHandle(`watchdog-${namespace}`)
      .terminate('test over')
      .catch(() => undefined);
    await watchdog.shutdown();
  }
}, 150_000);
