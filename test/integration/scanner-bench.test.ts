// Runs the detection-latency benchmark on the suite's dev server at a small size: checks that it
// measures what it says (the numbers themselves belong to `npm run bench`, not to assertions).
import type { Worker } from '@temporalio/worker';
import { benchDetectionLatency } from '../../scripts/bench/scan';
import { closeTestConnections, createTestWorker, testClient, uniqueTaskQueue } from '../support/temporal';

describe('detection latency benchmark', () => {
  const taskQueue = uniqueTaskQueue('bench-latency');
  let worker: Worker;
  let running: Promise<void>;
  beforeAll(async () => {
    worker = await createTestWorker({ taskQueue });
    running = worker.run();
  });
  afterAll(async () => {
    worker.shutdown();
    await running;
    await closeTestConnections();
  });

  test('reports latency percentiles and history events per 1000 detections', async () => {
    const result = (await benchDetectionLatency({ client: await testClient(), taskQueue, samples: 5, burst: 300 })) as {
      samples: number;
      latencyMs: { p50: number; p99: number; max: number };
      historyEventsPer1000Detections: Record<
        'repeatedFailure' | 'distinctFailures',
        { events: number; detectionsSignals: number }
      >;
    };
    expect(result.samples).toBe(5);
    expect(result.latencyMs.p50).toBeGreaterThan(0);
    expect(result.latencyMs.p50).toBeLessThanOrEqual(result.latencyMs.p99);
    expect(result.latencyMs.p99).toBeLessThanOrEqual(result.latencyMs.max);
    const { repeatedFailure, distinctFailures } = result.historyEventsPer1000Detections;
    // 300 distinct detections travel in at least 3 signals of at most 100; 300 repeats of one in fewer.
    expect(distinctFailures.detectionsSignals).toBeGreaterThanOrEqual(10);
    expect(repeatedFailure.detectionsSignals).toBeGreaterThan(0);
    expect(repeatedFailure.detectionsSignals).toBeLessThan(distinctFailures.detectionsSignals);
    // Each signal brings at least its own event and a workflow task.
    expect(distinctFailures.events).toBeGreaterThan(distinctFailures.detectionsSignals);
  });
});
