// Recovery benchmark, on one machine as in `healer dev`: a local dev server, the watchdog worker, and
// components run as real child processes by the supervisor (runtime/supervisor.ts). Measures
//   mutual:    one component killed  → the watchdog restarts it → it heartbeats again;
//   emergency: both components killed → emergency recovery    → both heartbeat again;
// and compares each playbook run with its SLO (60 s / 120 s). `timeScale` shrinks every duration
// (heartbeat interval, detection thresholds, playbook timers and SLOs) for a quick run; 1 = production.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Client } from '@temporalio/client';
import { Supervisor } from '../../runtime/supervisor';
import { runWatchdogWorker } from '../../workers/watchdog';
import { DEFAULT_WATCHDOG_SETTINGS } from '../../workflows/watchdog/watchdog';
import {
  watchdogStatusQuery,
  type PlaybookResult,
  type WatchdogSettings,
  type WatchdogView,
} from '../../core/contract';
import { startDevServer } from '../../runtime/dev-server';
import { summarize } from './stats';

export interface RecoveryBenchOptions {
  /** Dev-server port (default 27433). */
  port?: number;
  /** Multiplies every duration (default 1: the production settings, ~3 min per round). */
  timeScale?: number;
  /** Kill/recover rounds of each scenario (default 1). */
  rounds?: number;
  log?: (line: string) => void;
}

interface ScenarioResult {
  /** The playbook this scenario is meant to exercise. */
  playbook: string;
  /** Every recovery run the kill caused (the expected playbook, ideally nothing else). */
  runs: Array<{ playbook: string; components: string[]; outcome: string; durationMs: number; sloMs: number }>;
  /** From the kill to the moment every killed component was healthy again. */
  deathToRecoveredMs: number[];
  /** Duration of the playbook run itself (what the SLO bounds). */
  playbookMs: number[];
  sloMs: number;
  withinSlo: boolean;
}

const COMPONENTS = ['scanner', 'worker'];
const NAMESPACE = 'bench';

export async function benchRecovery(opts: RecoveryBenchOptions = {}): Promise<object> {
  const scale = opts.timeScale ?? 1;
  const rounds = opts.rounds ?? 1;
  const log = opts.log ?? ((line: string) => console.error(line));
  const settings: WatchdogSettings = {
    ...DEFAULT_WATCHDOG_SETTINGS,
    silentAfterMs: DEFAULT_WATCHDOG_SETTINGS.silentAfterMs * scale,
    stuckAfterMs: DEFAULT_WATCHDOG_SETTINGS.stuckAfterMs * scale,
    allSilentAfterMs: DEFAULT_WATCHDOG_SETTINGS.allSilentAfterMs * scale,
    backoffBaseMs: DEFAULT_WATCHDOG_SETTINGS.backoffBaseMs * scale,
    backoffMaxMs: DEFAULT_WATCHDOG_SETTINGS.backoffMaxMs * scale,
    // Each round restarts once per component; keep the bound out of the way of repeated rounds.
    restartLimit: Math.max(DEFAULT_WATCHDOG_SETTINGS.restartLimit, rounds * 2 + 1),
    playbookDurationScale: scale,
  };
  const heartbeatMs = Math.max(100, Math.round(10_000 * scale));

  const dir = mkdtempSync(join(tmpdir(), 'healer-bench-recovery-'));
  const server = await startDevServer({ port: opts.port ?? 27433, dbFile: join(dir, 'temporal.db'), headless: true });
  const supervisor = new Supervisor(() => undefined);
  const supervisorUrl = await supervisor.listen(0);
  const watchdog = await runWatchdogWorker({
    address: server.address,
    namespace: NAMESPACE,
    components: COMPONENTS,
    settings,
    auditLogPath: join(dir, 'audit.jsonl'),
    supervisorUrl,
  });
  const script = join(__dirname, 'heartbeat-component.js');
  const env = {
    TEMPORAL_ADDRESS: server.address,
    HEALER_NAMESPACE: NAMESPACE,
    HEALER_HEARTBEAT_MS: String(heartbeatMs),
  };
  for (const name of COMPONENTS)
    supervisor.start({ name, command: process.execPath, args: [script, name], env, logFile: join(dir, `${name}.log`) });

  const view = () => watchdog.client.workflow.getHandle(watchdog.workflowId).query(watchdogStatusQuery);
  const allHealthy = (v: WatchdogView) =>
    COMPONENTS.every((n) => v.components.find((c) => c.name === n)?.healthy === true);
  try {
    await waitFor(view, allHealthy, 120_000);
    const mutual: ScenarioResult = {
      playbook: 'healer_mutual_restart',
      runs: [],
      deathToRecoveredMs: [],
      playbookMs: [],
      sloMs: 60_000 * scale,
      withinSlo: true,
    };
    const emergency: ScenarioResult = {
      playbook: 'emergency_healer_recovery',
      runs: [],
      deathToRecoveredMs: [],
      playbookMs: [],
      sloMs: 120_000 * scale,
      withinSlo: true,
    };
    for (let round = 0; round < rounds; round += 1) {
      log(`recovery round ${round + 1}/${rounds}: killing scanner`);
      await measure(watchdog.client, view, ['scanner'], () => supervisor.kill('scanner'), mutual);
      log(`recovery round ${round + 1}/${rounds}: killing scanner and worker`);
      await measure(
        watchdog.client,
        view,
        COMPONENTS,
        () => Promise.all(COMPONENTS.map((n) => supervisor.kill(n))),
        emergency,
      );
    }
    const report = (r: ScenarioResult) => ({
      deathToRecovered: summarize(r.deathToRecoveredMs),
      playbook: summarize(r.playbookMs),
      sloMs: r.sloMs,
      withinSlo: r.withinSlo,
      runs: r.runs,
    });
    return {
      timeScale: scale,
      rounds,
      heartbeatMs,
      detection: { silentAfterMs: settings.silentAfterMs, allSilentAfterMs: settings.allSilentAfterMs },
      mutual: report(mutual),
      emergency: report(emergency),
    };
  } finally {
    await supervisor.stopAll();
    await watchdog.client.workflow
      .getHandle(watchdog.workflowId)
      .terminate('benchmark over')
      .catch(() => undefined);
    await watchdog.shutdown();
    await server.stop();
  }
}

/** Kill, then wait until every killed component heartbeats again as a new instance and no playbook runs. */
async function measure(
  client: Client,
  view: () => Promise<WatchdogView>,
  killed: string[],
  kill: () => Promise<unknown>,
  into: ScenarioResult,
): Promise<void> {
  const before = await view();
  const instances = new Map(before.components.map((c) => [c.name, c.instanceId]));
  const known = new Set(before.history.map((r) => r.workflowId));
  const started = performance.now();
  await kill();
  const done = await waitFor(
    view,
    (v) =>
      v.running.length === 0 &&
      killed.every((n) => {
        const c = v.components.find((x) => x.name === n);
        return c?.healthy === true && c.instanceId !== instances.get(n);
      }),
    10 * 60_000,
  );
  into.deathToRecoveredMs.push(performance.now() - started);
  for (const run of done.history.filter((r) => !known.has(r.workflowId)).reverse()) {
    const result = (await client.workflow.getHandle(run.workflowId).result()) as PlaybookResult;
    into.runs.push({
      playbook: result.playbook,
      components: run.components,
      outcome: result.outcome,
      durationMs: result.durationMs,
      sloMs: result.sloMs,
    });
    if (result.playbook === into.playbook) into.playbookMs.push(result.durationMs);
    if (result.outcome !== 'succeeded' || result.durationMs > result.sloMs) into.withinSlo = false;
  }
  if (!into.runs.some((r) => r.playbook === into.playbook)) into.withinSlo = false;
}

async function waitFor(
  read: () => Promise<WatchdogView>,
  accept: (v: WatchdogView) => boolean,
  timeoutMs: number,
): Promise<WatchdogView> {
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    try {
      const v = await read();
      if (accept(v)) return v;
    } catch {
      // the watchdog may be between runs (continue-as-new): ask again
    }
    if (performance.now() > deadline) throw new Error(`recovery benchmark: condition not reached in ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
