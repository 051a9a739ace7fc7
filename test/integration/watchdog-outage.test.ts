// The watchdog does not take "Temporal unreachable" for "every component is dead": on its own dev
// server the server is killed for longer than the all-silent threshold and restarted. One component
// keeps trying to heartbeat through the outage (its beats fail, then get through); the other is only
// heard from again a while after the watchdog is back (as a component whose connection is slow to
// recover). Before the fix, the first decision after the outage saw everyone silent for too long and
// ran emergency recovery (or had the first one back restart the other). Now no recovery runs, nothing
// is restarted, and the watchdog reports the outage it excused.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { runWatchdogWorker, type RunningWatchdogWorker } from '../../workers/watchdog';
import { startDevServer, type DevServer, type DevServerOptions } from '../../runtime/dev-server';
import { watchdogStatusQuery, type WatchdogSettings } from '../../core/contract';
import { freePort } from '../support/ports';
import { eventually, uniqueId } from '../support/temporal';
import { FakeSupervisor } from './watchdog-fixtures';

jest.setTimeout(150_000);

const SETTINGS: Partial<WatchdogSettings> = {
  silentAfterMs: 6000,
  stuckAfterMs: 6000,
  allSilentAfterMs: 8000,
  outageGapMs: 2000,
  restartLimit: 3,
  restartWindowMs: 600_000,
  backoffBaseMs: 300,
  backoffMaxMs: 2000,
  playbookDurationScale: 0.2,
};

test('Temporal down longer than the all-silent threshold: no emergency, no restart, the outage reported', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'healer-wd-outage-'));
  const options: DevServerOptions = { port: await freePort(), dbFile: join(dir, 'temporal.db'), headless: true };
  let server: DevServer = await startDevServer(options);
  // Reconnect quickly once the server is back (gRPC's default back-off grows to minutes).
  const connection = await Connection.connect({
    address: server.address,
    channelArgs: { 'grpc.max_reconnect_backoff_ms': 1000, 'grpc.initial_reconnect_backoff_ms': 200 },
  });
  const client = new Client({ connection });
  const namespace = uniqueId('wdo').toLowerCase();
  const taskQueue = `${namespace}-queue`;
  const supervisor = new FakeSupervisor({ client, namespace, taskQueue, intervalMs: 400 });
  let worker: RunningWatchdogWorker | undefined;
  const view = () => client.workflow.getHandle(`watchdog-${namespace}`).query(watchdogStatusQuery);
  try {
    await supervisor.start([]);
    worker = await runWatchdogWorker({
      address: server.address,
      taskQueue,
      namespace,
      components: ['scanner', 'worker'],
      settings: SETTINGS,
      auditLogPath: join(dir, 'audit.jsonl'),
      supervisorUrl: supervisor.url,
      workerOptions: { shutdownGraceTime: '1s' },
    });
    supervisor.addComponent('scanner');
    supervisor.addComponent('worker');
    await eventually(view, (v) => v.components.every((c) => c.healthy), 30_000);

    supervisor.kill('scanner'); // its beats stop with the outage, and resume only later
    await server.kill!();
    await new Promise((resolve) => setTimeout(resolve, 10_000)); // past allSilentAfterMs (8 s)
    server = await startDevServer(options);
    await eventually(view, () => true, 60_000); // the watchdog runs again (and has decided what to do)
    supervisor.release('scanner');

    const after = await eventually(
      view,
      (v) => v.lastOutage !== undefined && v.components.every((c) => c.healthy),
      60_000,
    );
    expect(Date.parse(after.lastOutage!.to) - Date.parse(after.lastOutage!.from)).toBeGreaterThan(5000);
    // Well past every threshold since the outage: still nothing run, nothing restarted.
    await new Promise((resolve) => setTimeout(resolve, SETTINGS.allSilentAfterMs! + 2000));
    const settled = await view();
    expect(settled.history).toEqual([]);
    expect(settled.running).toEqual([]);
    expect(settled.emergencyMode).toBe(false);
    expect(settled.components.map((c) => [c.name, c.state, c.restartsInWindow])).toEqual([
      ['scanner', 'healthy', 0],
      ['worker', 'healthy', 0],
    ]);
    expect(supervisor.requests.filter((r) => r.method === 'POST')).toEqual([]);
  } finally {
    await supervisor.stop();
    await client.workflow
      .getHandle(`watchdog-${namespace}`)
      .terminate('test over')
      .catch(() => undefined);
    await worker?.shutdown();
    await connection.close();
    await server.stop();
  }
});
