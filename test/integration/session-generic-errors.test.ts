// Generic error lines (G1) on the real dev server with the real session and incident workflows: each
// is counted and shown on the session under its fingerprint, and opens an incident only once that
// fingerprint repeats past the session's generic-error rate.
import type { Worker } from '@temporalio/worker';
import { createActivities } from '../../activities';
import { SessionService } from '../../api/session/sessions';
import { loadConfig } from '../../runtime/config';
import { detectionsSignal, sessionWorkflowId, type Detection } from '../../core/contract';
import {
  closeTestConnections,
  createTestWorker,
  eventually,
  testClient,
  uniqueId,
  uniqueTaskQueue,
} from '../support/temporal';
import { detection, sampleInput } from '../support/sessions';

jest.setTimeout(120_000);

describe('session generic errors', () => {
  const taskQueue = uniqueTaskQueue('generic');
  // No worker polls this model queue: the incidents opened here stay open at their evaluation.
  const llmTaskQueue = uniqueTaskQueue('generic-llm-unpolled');
  let worker: Worker;
  let running: Promise<void>;

  beforeAll(async () => {
    const config = loadConfig({ HEALER_LOG_LEVEL: 'silent', HEALER_STATE_DIR: process.env.HEALER_TEST_DIR });
    worker = await createTestWorker({ taskQueue, activities: createActivities({ config, kube: null }) });
    running = worker.run();
  });
  afterAll(async () => {
    worker.shutdown();
    await running;
    await closeTestConnections();
  });

  test('a generic error is counted on the session and opens an incident only past its rate', async () => {
    const client = await testClient();
    const service = new SessionService(client, {
      taskQueue,
      settings: { llmTaskQueue, genericErrorRate: { occurrences: 5, windowMs: 10 * 60_000 } },
    });
    const playId = uniqueId('generic');
    await service.start(sampleInput(playId));
    const session = client.workflow.getHandle(sessionWorkflowId(playId));
    let batch = 0;
    const send = (detections: Detection[]) =>
      session.signal(detectionsSignal, { batchId: `${playId}-${batch++}`, detections });
    const syncFailed = (repeats?: number) =>
      detection('fp-generic', {
        code: 'G1',
        severity: 'low',
        priority: 'P3',
        patternId: 'g1-structured-level',
        line: 'level=error msg="sync failed" app=cto-controller',
        observedAt: new Date().toISOString(),
        ...(repeats ? { repeats } : {}),
      });

    // Four occurrences, one of them a batch of three folded repeats: below the rate of five.
    await send([syncFailed()]);
    await send([syncFailed(3)]);
    // A specific failure after them: once its incident is open, the session has routed the G1s too.
    await send([detection('fp-refused')]);
    const afterFour = await eventually(
      () => service.get(playId),
      (v) => v.incidents.length === 1,
    );
    expect(afterFour.incidents.map((i) => i.code)).toEqual(['R2']);
    expect(afterFour.detections.byCode).toEqual({ G1: 4, R2: 1 });
    expect(afterFour.fingerprints.find((f) => f.fingerprint === 'fp-generic')).toMatchObject({
      code: 'G1',
      severity: 'low',
      count: 4,
    });

    // The fifth occurrence reaches the rate: now it is an incident, and later repeats are its evidence.
    await send([syncFailed()]);
    const opened = await eventually(
      () => service.get(playId),
      (v) => v.incidents.length === 2,
    );
    const g1 = opened.incidents.find((i) => i.code === 'G1');
    expect(g1).toMatchObject({ fingerprint: 'fp-generic', severity: 'low', status: 'open' });
    expect(opened.fingerprints.find((f) => f.fingerprint === 'fp-generic')?.incidentId).toBe(g1?.id);

    await service.end(playId, { reason: 'test done' });
    await session.result();
    for (const incident of opened.incidents) await client.workflow.getHandle(incident.id).cancel();
  });
});
