// The chaos suite's smoke variant (`npm run chaos` runs the full campaign): a few incidents through the
// real API, a main worker in its own process under the `healer dev` supervisor, its own Temporal dev
// server kept running by restarts, GitHub answering with faults through the fault proxy. The worker and
// the Temporal server are SIGKILLed mid-stream; every incident still finishes, no GitHub effect is
// duplicated, no acknowledged line is lost, and the supervisor brings the worker back within seconds.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { NativeConnection, Worker } from '@temporalio/worker';
import { buildApi } from '../../api/server';
import { connectApi } from '../../api/compose';
import { SessionService } from '../../api/session/sessions';
import { loadConfig } from '../../runtime/config';
import { startDevServer } from '../../runtime/dev-server';
import { projectRoot } from '../../runtime/paths';
import { Supervisor } from '../../runtime/supervisor';
import { CHAOS_FILE, startAnsweringGemini } from '../../scripts/chaos/answering-gemini';
import { startFaultProxy } from '../../scripts/chaos/fault-proxy';
import { RestartClock } from '../../scripts/chaos/restart-clock';
import { runChaos, type ChaosStack } from '../../scripts/chaos/scenario';
import { startFakeGitHub } from '../fakes/github';
import { EVAL_MODEL, PATCH_MODEL, thinGateway } from '../fakes/model-gateway';
import { freePort } from '../support/ports';
import { uniqueTaskQueue } from '../support/temporal';
import { WORKER_RESILIENCE } from '../../workers/resilience';

jest.setTimeout(90_000);

test('worker and Temporal SIGKILLed, GitHub failing: all incidents finish, nothing duplicated or lost', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'healer-chaos-smoke-'));
  const clock = new RestartClock();
  const server = await startDevServer({
    port: await freePort(),
    dbFile: join(dir, 'temporal.db'),
    headless: true,
    restartOnCrash: true,
    onEvent: (e) => e.kind === 'ready' && clock.started('temporal', e.atMs),
  });
  const github = await startFakeGitHub({ files: { [CHAOS_FILE]: 'pub fn load() -> u32 { None.unwrap() }\n' } });
  const proxy = await startFaultProxy(github.url, { beforeApply: 0.05, afterApply: 0.1, secondaryRateLimit: 0.05 }, 7);
  const gemini = await startAnsweringGemini('smoke-key', [EVAL_MODEL, PATCH_MODEL]);
  const taskQueue = uniqueTaskQueue('chaos');
  const llmTaskQueue = `${taskQueue}-llm`;
  const supervisor = new Supervisor(() => undefined, {
    onEvent: (e) => e.kind === 'start' && clock.started(e.name, e.atMs),
  });
  supervisor.start({
    name: 'worker',
    command: process.execPath,
    args: [join(projectRoot(), 'test', 'support', 'worker-process-entry.js')],
    env: {
      TEMPORAL_ADDRESS: server.address,
      HEALER_WORKER_TASK_QUEUE: taskQueue,
      HEALER_WORKER_IDENTITY: 'chaos-worker',
      HEALER_TEST_WORKFLOW_BUNDLE: process.env.HEALER_TEST_WORKFLOW_BUNDLE,
      HEALER_STATE_DIR: dir,
      HEALER_LOG_LEVEL: 'warn',
      GITHUB_TOKEN: 'smoke-token',
      GITHUB_API_URL: proxy.url,
      GEMINI_API_KEY: '',
      KUBERNETES_SERVICE_HOST: '',
    },
    logFile: join(dir, 'worker.log'),
  });
  const native = await NativeConnection.connect({ address: server.address });
  const llm = await Worker.create({
    connection: native,
    ...WORKER_RESILIENCE,
    taskQueue: llmTaskQueue,
    activities: thinGateway(gemini.url, 'smoke-key'),
    shutdownGraceTime: '1s',
  });
  const llmRunning = llm.run();
  const config = loadConfig({ TEMPORAL_ADDRESS: server.address, HEALER_LOG_LEVEL: 'silent', HEALER_STATE_DIR: dir });
  const connected = await connectApi(config, { taskQueue });
  const sessions = new SessionService(connected.client, {
    taskQueue,
    settings: { llmTaskQueue, remediationDefaults: { ciPollSecs: 0.5 } },
  });
  const app = await buildApi({
    config,
    client: connected.client,
    services: { ...connected.services, sessions },
    circuit: connected.circuit,
  });
  await app.listen({ host: '127.0.0.1', port: 0 });
  const connection = await Connection.connect({
    address: server.address,
    channelArgs: { 'grpc.max_reconnect_backoff_ms': 1000 },
  });
  const stack: ChaosStack = {
    apiUrl: `http://127.0.0.1:${(app.server.address() as { port: number }).port}`,
    client: new Client({ connection }),
    pidOf: (name) => supervisor.list().find((c) => c.name === name)?.pid,
    killTemporal: () => server.kill!(),
    clock,
    stop: async () => undefined,
  };
  try {
    const result = await runChaos(
      stack,
      github,
      {
        label: 'smoke',
        incidents: 3,
        sessions: 1,
        repository: 'chaos/smoke',
        kill: ['worker'],
        killEveryMs: [4000, 5000],
        maxKills: 1,
        killTemporalAfterMs: 8000,
        pushEveryMs: 500,
        timeoutMs: 45_000,
        seed: 7,
      },
      () => undefined,
    );
    expect(result.incidents).toMatchObject({ expected: 3, started: 3, finished: 3, escalatedForInfrastructure: 0 });
    expect(result.duplicates).toEqual({ issues: 0, pullRequests: 0, branches: 0, comments: 0 });
    expect(result.lines.lost).toBe(0);
    expect(result.lines.acknowledgedDetections).toBeGreaterThan(3);
    expect(result.kills.worker).toBe(1);
    expect(result.kills.temporal).toBe(1);
    expect(result.restartMs.worker.max).toBeLessThan(5000);
    expect(result.restartMs.temporal.max).toBeLessThan(30_000);
    // The faults did happen.
    expect(proxy.counts.beforeApply + proxy.counts.afterApply + proxy.counts.secondaryRateLimit).toBeGreaterThan(0);
  } finally {
    await app.close();
    await connected.close();
    await connection.close();
    llm.shutdown();
    await llmRunning.catch(() => undefined);
    await native.close().catch(() => undefined);
    await supervisor.stopAll();
    await Promise.all([proxy.stop(), github.stop(), gemini.stop()]);
    await server.stop();
  }
});
