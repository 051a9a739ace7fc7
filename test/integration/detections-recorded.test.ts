// healer_detections_recorded_total counts what a session recorded: a batch re-sent with the same batch id
// (a scanner or API that crashed before its acknowledgement reached it sends it again) counts once, and
// folded repeats count as their occurrences. On the real dev server, with the worker's metric sinks.
import { SessionService } from '../../api/session/sessions';
import { detectionsSignal, sessionWorkflowId } from '../../core/contract';
import { healerMetrics } from '../../runtime/metrics';
import { detection, sampleInput } from '../support/sessions';
import { eventually, testClient, uniqueId } from '../support/temporal';
import { useSessionWorkers } from './session-workers';

jest.setTimeout(60_000);

const metrics = healerMetrics('detections-recorded');
const recorded = async (source: string): Promise<number> =>
  (await metrics.detectionsRecorded.get()).values
    .filter((v) => v.labels.source === source)
    .reduce((sum, v) => sum + v.value, 0);

describe('recorded detections', () => {
  const { taskQueue, llmTaskQueue } = useSessionWorkers('recorded', { metrics });

  test('a re-sent batch is counted once; repeats count as occurrences', async () => {
    const client = await testClient();
    const service = new SessionService(client, { taskQueue, settings: { llmTaskQueue } });
    const playId = uniqueId('recorded');
    await service.start(sampleInput(playId));
    const session = client.workflow.getHandle(sessionWorkflowId(playId));
    const before = await recorded('file');

    const batch = { batchId: `${playId}-1`, detections: [detection('fp-recorded', { source: 'file', repeats: 3 })] };
    await session.signal(detectionsSignal, batch);
    await session.signal(detectionsSignal, batch); // the same batch again, as after a sender's crash
    await session.signal(detectionsSignal, {
      batchId: `${playId}-2`,
      detections: [detection('fp-recorded', { source: 'file' })],
    });

    // The session saw 4 occurrences (3 folded + 1), and so does the counter, however often batch 1 came.
    await eventually(
      () => service.get(playId),
      (view) => view.detections.total === 4,
    );
    expect(
      await eventually(
        () => recorded('file'),
        (n) => n - before >= 4,
      ),
    ).toBe(before + 4);
    // Nothing more arrives later for the duplicate.
    await new Promise((r) => setTimeout(r, 500));
    expect(await recorded('file')).toBe(before + 4);
  });
});
