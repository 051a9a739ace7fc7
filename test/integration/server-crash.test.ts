// The dev server's SQLite store (write-ahead log, synchronous=normal) keeps everything a server had
// acknowledged when it is SIGKILLed: a session, its applied detections, and a signal sent while no
// worker ran are all there after a restart on the same file, and the session carries on.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { NativeConnection, Worker } from '@temporalio/worker';
import { SessionService } from '../../api/session/sessions';
import { startDevServer, type DevServer } from '../../runtime/dev-server';
import { detectionsSignal, sessionWorkflowId, statusQuery } from '../../core/contract';
import { freePort } from '../support/ports';
import { detection, sampleInput } from '../support/sessions';
import { eventually, uniqueId } from '../support/temporal';
import { WORKER_RESILIENCE } from '../../workers/resilience';

jest.setTimeout(120_000);

async function connect(server: DevServer, taskQueue: string) {
  const connection = await Connection.connect({ address: server.address });
  const native = await NativeConnection.connect({ address: server.address });
  const bundle = process.env.HEALER_TEST_WORKFLOW_BUNDLE;
  const worker = await Worker.create({
    connection: native,
    ...WORKER_RESILIENCE,
    taskQueue,
    shutdownGraceTime: '1s',
    ...(bundle ? { workflowBundle: { codePath: bundle } } : { workflowsPath: require.resolve('../../workflows') }),
  });
  const running = worker.run();
  return {
    client: new Client({ connection }),
    stopWorker: async () => {
      worker.shutdown();
      await running;
      await native.close();
    },
    close: () => connection.close(),
  };
}

test('a SIGKILLed dev server loses nothing it acknowledged', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'healer-server-crash-'));
  const options = { port: await freePort(), dbFile: join(dir, 'temporal.db'), headless: true };
  const taskQueue = uniqueId('crash');
  const playId = uniqueId('crash');
  const total = async (client: Client) =>
    (await client.workflow.getHandle(sessionWorkflowId(playId)).query(statusQuery)).detections.total;

  const first = await startDevServer(options);
  expect(first.kill).toBeDefined();
  const before = await connect(first, taskQueue);
  try {
    await new SessionService(before.client, { taskQueue }).start(sampleInput(playId));
    const session = before.client.workflow.getHandle(sessionWorkflowId(playId));
    for (let i = 0; i < 5; i++)
      await session.signal(detectionsSignal, { batchId: `b${i}`, detections: [detection(`fp-${i}`)] });
    await eventually(
      () => total(before.client),
      (n) => n === 5,
    );
    // Acknowledged while no worker runs: stored by the server, not yet applied by the session.
    await before.stopWorker();
    await session.signal(detectionsSignal, { batchId: 'b5', detections: [detection('fp-5')] });
  } finally {
    await first.kill!();
    await before.close();
  }

  const second = await startDevServer(options);
  const after = await connect(second, taskQueue);
  try {
    await eventually(
      () => total(after.client),
      (n) => n === 6,
      60_000,
    );
    const view = await after.client.workflow.getHandle(sessionWorkflowId(playId)).query(statusQuery);
    expect(view.status).toBe('active');
    expect(view.detections.unique).toBe(6);
  } finally {
    await after.stopWorker();
    await after.close();
    await second.stop();
  }
});
