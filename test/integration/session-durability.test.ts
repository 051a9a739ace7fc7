import { SessionService } from '../../api/session/sessions';
import { detectionsSignal, sessionWorkflowId, statusQuery, agentStartedSignal } from '../../core/contract';
import {
  closeTestConnections,
  createTestWorker,
  eventually,
  testClient,
  uniqueId,
  uniqueTaskQueue,
} from '../support/temporal';
import { detection, sampleInput } from '../support/sessions';

afterAll(closeTestConnections);

test('a worker restart mid-session loses nothing: signals sent while no worker runs are applied later', async () => {
  const taskQueue = uniqueTaskQueue('restart');
  const service = new SessionService(await testClient(), { taskQueue });
  const playId = uniqueId('restart');
  const handle = service.client.workflow.getHandle(sessionWorkflowId(playId));

  const first = await createTestWorker({ taskQueue });
  await first.runUntil(async () => {
    await service.start(sampleInput(playId));
    await handle.signal(detectionsSignal, { batchId: 'b1', detections: [detection('x'), detection('y')] });
    await eventually(
      () => handle.query(statusQuery),
      (v) => v.detections.total === 2,
    );
  });

  // No worker at all now: the server keeps these durably.
  await handle.signal(detectionsSignal, { batchId: 'b2', detections: [detection('x'), detection('z')] });
  await handle.signal(detectionsSignal, { batchId: 'b1', detections: [detection('x'), detection('y')] }); // a re-send

  const second = await createTestWorker({ taskQueue });
  const view = await second.runUntil(() =>
    eventually(
      () => handle.query(statusQuery),
      (v) => v.detections.total === 4,
    ),
  );
  expect(view.detections).toEqual({ total: 4, unique: 3, byCode: { R2: 4 } });
  expect(view.fingerprints.find((f) => f.fingerprint === 'x')?.count).toBe(2);
});

test('continue-as-new carries state across runs (server suggests it at 120 events in tests)', async () => {
  const taskQueue = uniqueTaskQueue('can');
  const service = new SessionService(await testClient(), { taskQueue, settings: { preflightWindowMs: 600_000 } });
  const playId = uniqueId('can');
  const handle = service.client.workflow.getHandle(sessionWorkflowId(playId));
  const worker = await createTestWorker({ taskQueue });
  const signals = 150;
  const view = await worker.runUntil(async () => {
    const { runId: firstRunId } = await service.start(sampleInput(playId));
    await handle.signal(agentStartedSignal, { agent: 'rex' });
    for (let i = 0; i < signals; i += 1) {
      await handle.signal(detectionsSignal, { batchId: `b${i}`, detections: [detection(`fp-${i % 10}`)] });
    }
    const done = await eventually(
      () => handle.query(statusQuery),
      (v) => v.detections.total === signals,
      60_000,
    );
    const description = await handle.describe();
    expect(description.runId).not.toBe(firstRunId);
    return done;
  });
  expect(view.continuedAsNew).toBeGreaterThanOrEqual(1);
  expect(view.detections.unique).toBe(10);
  expect(view.fingerprints.find((f) => f.fingerprint === 'fp-3')?.count).toBe(15);
  // The open pre-flight window travelled too.
  expect(view.agents.find((a) => a.name === 'rex')?.startedAt).toBeDefined();
  expect(view.agents.find((a) => a.name === 'rex')?.checklist.mcpTools).toBe('pending');
  // Each run's history stayed small.
  const history = await handle.fetchHistory();
  expect(history.events?.length ?? 0).toBeLessThan(400);
});
