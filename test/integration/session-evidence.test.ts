// Repeats of a failure that already has an open incident reach the incident through the session's
// evidence outbox: folded, at most once per interval, every occurrence counted, and flushed when the
// session ends. On the real dev server with the real session and incident workflows.
import { SessionService } from '../../api/session/sessions';
import type { IncidentView } from '../../core/contract';
import { detectionsSignal, sessionWorkflowId } from '../../core/contract';
import { eventually, testClient, uniqueId } from '../support/temporal';
import { useSessionWorkers } from './session-workers';
import { detection, sampleInput } from '../support/sessions';

jest.setTimeout(120_000);

describe('session evidence outbox', () => {
  const { taskQueue, llmTaskQueue } = useSessionWorkers('evidence');

  test('a flood of repeats costs the open incident one evidence signal per interval', async () => {
    const client = await testClient();
    // coderun mode with approval: the incident waits at the gate, open, while the flood goes on.
    const service = new SessionService(client, {
      taskQueue,
      settings: {
        llmTaskQueue,
        evidenceIntervalMs: 2000,
        remediationDefaults: { mode: 'coderun', requireApproval: true, approvalTimeoutSecs: 600 },
      },
    });
    const playId = uniqueId('evidence');
    await service.start(sampleInput(playId));
    const session = client.workflow.getHandle(sessionWorkflowId(playId));
    const failure = (n: number) =>
      detection('fp-flood', {
        observedAt: new Date().toISOString(),
        line: `Error: connect ECONNREFUSED 127.0.0.1:5432 (request ${n})`,
      });

    await session.signal(detectionsSignal, { batchId: `${playId}-0`, detections: [failure(0)] });
    const opened = await eventually(
      () => service.get(playId),
      (v) => v.incidents.length === 1,
    );
    const incident = client.workflow.getHandle(opened.incidents[0].id);
    await eventually(
      () => incident.query<IncidentView>('status'),
      (v) => v.step === 'awaiting-approval',
    );

    // 40 batches over about 4 s: 45 occurrences in all (one batch carries 6 folded repeats).
    for (let i = 1; i <= 40; i++) {
      const detections = i === 20 ? [{ ...failure(i), repeats: 6 }] : [failure(i)];
      await session.signal(detectionsSignal, { batchId: `${playId}-${i}`, detections });
      await new Promise((r) => setTimeout(r, 100));
    }
    const view = await eventually(
      () => incident.query<IncidentView>('status'),
      (v) => v.occurrences === 46,
      30_000,
    );
    expect(view.status).toBe('open');
    expect((await service.get(playId)).detections.total).toBe(46);

    const evidenceSignals = async () =>
      ((await incident.fetchHistory()).events ?? []).filter(
        (e) => e.workflowExecutionSignaledEventAttributes?.signalName === 'evidence',
      ).length;
    // The first repeat at once, then one per 2 s interval over ~4 s (with slack for a slow machine).
    const sent = await evidenceSignals();
    expect(sent).toBeGreaterThanOrEqual(2);
    expect(sent).toBeLessThanOrEqual(5);

    // Repeats still pending when the session ends are forwarded before it closes.
    await session.signal(detectionsSignal, { batchId: `${playId}-41`, detections: [failure(41)] });
    await session.signal(detectionsSignal, { batchId: `${playId}-42`, detections: [failure(42)] });
    await service.end(playId, { reason: 'test done' });
    await session.result();
    await eventually(
      () => incident.query<IncidentView>('status'),
      (v) => v.occurrences === 48,
      30_000,
    );
    await incident.cancel();
  });
});
