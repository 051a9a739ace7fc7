// `healer dev`'s supervision with real processes: the supervisor restarts a component that exits, with
// back-off while it crash-loops (reported failed, never given up on), through its control endpoint
// restarts a hung one once per key, and the dev server it started comes back on the same database.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { startDevServer, type DevServerEvent } from '../../runtime/dev-server';
import { Supervisor, type ComponentState, type SupervisorEvent } from '../../runtime/supervisor';
import { freePort } from '../support/ports';
import { eventually } from '../support/temporal';

jest.setTimeout(90_000);

const dir = mkdtempSync(join(tmpdir(), 'healer-supervisor-'));
/** A stand-in component: reports one delivered heartbeat (it is up) and idles until stopped. */
const upScript = join(dir, 'up.js');
writeFileSync(
  upScript,
  `process.send({ healer: 'heartbeat', component: process.argv[2], at: new Date().toISOString(), delivered: true });
setInterval(() => undefined, 1000);`,
);
/** Exits at once until the file named in its argument exists (a transient cause), then behaves as up.js. */
const flakyScript = join(dir, 'flaky.js');
writeFileSync(
  flakyScript,
  `if (!require('node:fs').existsSync(process.argv[2])) process.exit(3);
require(${JSON.stringify(upScript)});`,
);

const fast = { initialMs: 100, maxMs: 400, stableAfterMs: 60_000, startingForMs: 5000, failedAfter: 3 };

function supervised(): { supervisor: Supervisor; events: SupervisorEvent[]; lines: string[] } {
  const events: SupervisorEvent[] = [];
  const lines: string[] = [];
  const supervisor = new Supervisor((line) => lines.push(line), {
    backoff: fast,
    graceMs: 3000,
    onEvent: (e) => events.push(e),
  });
  return { supervisor, events, lines };
}

const stateOf = (s: Supervisor, name: string): ComponentState => s.list().find((c) => c.name === name)!;

test('a component killed from outside is started again at once; one killed on request stays down', async () => {
  const { supervisor, events, lines } = supervised();
  try {
    supervisor.start({ name: 'worker', command: process.execPath, args: [upScript, 'worker'] });
    const first = await eventually(
      async () => stateOf(supervisor, 'worker'),
      (s) => s.ready,
    );
    process.kill(first.pid!, 'SIGKILL');
    const back = await eventually(
      async () => stateOf(supervisor, 'worker'),
      (s) => s.ready && s.pid !== first.pid,
    );
    expect(back).toMatchObject({ status: 'running', restarts: 1, lastExit: 'signal SIGKILL' });
    const exit = events.find((e) => e.kind === 'exit')!;
    const restart = events.find((e) => e.kind === 'start' && e.cause === 'exit')!;
    // A run that came up restarts after the first step of the back-off (100 ms here, 1 s by default).
    expect(restart.atMs - exit.atMs).toBeGreaterThanOrEqual(90);
    expect(restart.atMs - exit.atMs).toBeLessThan(1000);
    expect(lines.join('\n')).toMatch(/\[supervisor\] worker stopped \(signal SIGKILL\); restarting in 0\.1 s/);

    await supervisor.kill('worker');
    await new Promise((r) => setTimeout(r, 500));
    expect(stateOf(supervisor, 'worker')).toMatchObject({ running: false, status: 'stopped', restarts: 1 });
  } finally {
    await supervisor.stopAll();
  }
});

test('a crash loop backs off, is reported failed, and comes back on its own once the cause clears', async () => {
  const { supervisor, events, lines } = supervised();
  const cause = join(dir, `fixed-${Date.now()}`);
  try {
    supervisor.start({ name: 'llm-worker', command: process.execPath, args: [flakyScript, cause] });
    const failed = await eventually(
      async () => stateOf(supervisor, 'llm-worker'),
      (s) => s.status === 'failed' && events.filter((e) => e.kind === 'exit').length >= 4,
    );
    expect(failed.failedReason).toMatch(/\d starts in a row ended before it came up \(last: exit code 3\)/);
    const exits = events.filter((e) => e.kind === 'exit').map((e) => e.atMs);
    const starts = events.filter((e) => e.kind === 'start' && e.cause === 'exit').map((e) => e.atMs);
    // 100 ms, 200 ms, 400 ms (the cap here) between an exit and the next start.
    const gaps = starts.slice(0, 3).map((at, i) => at - exits[i]);
    expect(gaps[0]).toBeGreaterThanOrEqual(90);
    expect(gaps[1]).toBeGreaterThanOrEqual(190);
    expect(gaps[2]).toBeGreaterThanOrEqual(390);

    writeFileSync(cause, 'fixed');
    const back = await eventually(
      async () => stateOf(supervisor, 'llm-worker'),
      (s) => s.ready,
    );
    expect(back.status).toBe('running');
    expect(back.failedReason).toBeUndefined();
    expect(lines.join('\n')).toMatch(/llm-worker is back \(was failed: /);
  } finally {
    await supervisor.stopAll();
  }
});

test('the control endpoint restarts a hung component once per key, and lists heartbeat attempts', async () => {
  const { supervisor } = supervised();
  try {
    const url = await supervisor.listen(0);
    supervisor.start({ name: 'scanner', command: process.execPath, args: [upScript, 'scanner'] });
    const before = await eventually(
      async () => stateOf(supervisor, 'scanner'),
      (s) => s.ready,
    );
    const listed = (await (await fetch(`${url}/components`)).json()) as { components: ComponentState[] };
    expect(listed.components[0]).toMatchObject({ name: 'scanner', running: true, ready: true });
    expect(listed.components[0].lastHeartbeatDeliveredAt).toEqual(listed.components[0].lastHeartbeatAttemptAt);

    expect((await fetch(`${url}/components/scanner/hang`, { method: 'POST' })).status).toBe(200);
    const restart = () =>
      fetch(`${url}/components/scanner/restart`, {
        method: 'POST',
        headers: { 'idempotency-key': 'pb-1/restart_failed', 'content-type': 'application/json' },
        body: JSON.stringify({ force: true }),
      });
    const first = await restart();
    expect(first.status).toBe(202);
    expect(await first.json()).toMatchObject({ name: 'scanner', alreadyApplied: false });
    const again = await restart();
    expect(await again.json()).toMatchObject({ alreadyApplied: true });
    const after = await eventually(
      async () => stateOf(supervisor, 'scanner'),
      (s) => s.ready && s.pid !== before.pid,
    );
    expect(after).toMatchObject({
      restarts: 1,
      lastRestartKey: 'pb-1/restart_failed',
      lastExit: 'restarted on request',
    });
    expect((await fetch(`${url}/components/nope/restart`, { method: 'POST' })).status).toBe(404);
  } finally {
    await supervisor.stopAll();
  }
});

test('a SIGKILLed dev server is started again on the same database, and the log says so', async () => {
  const lines: string[] = [];
  const events: DevServerEvent[] = [];
  const server = await startDevServer({
    port: await freePort(),
    dbFile: join(dir, 'temporal.db'),
    headless: true,
    restartOnCrash: true,
    log: (line) => lines.push(line),
    onEvent: (e) => events.push(e),
  });
  const connection = await Connection.connect({ address: server.address });
  try {
    const client = new Client({ connection });
    await client.workflow.start('neverRuns', { taskQueue: 'nobody-polls', workflowId: 'kept-across-restart' });
    const pid = server.pid!();
    await server.kill!();
    await eventually(
      async () => events,
      (e) => e.some((x) => x.kind === 'ready'),
      60_000,
    );
    expect(server.pid!()).not.toBe(pid);
    const description = await client.workflow.getHandle('kept-across-restart').describe();
    expect(description.status.name).toBe('RUNNING');
    expect(lines.join('\n')).toMatch(
      /Temporal dev server exited \(exit code null, signal SIGKILL\); restarting it with the same database .*temporal\.db/,
    );
    expect(lines.join('\n')).toMatch(/Temporal dev server is back on 127\.0\.0\.1:\d+ \(restart 1, down [\d.]+ s\)/);
  } finally {
    await connection.close();
    await server.stop();
  }
});
