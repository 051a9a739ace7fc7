// Failures past the open-incident cap wait, and open as soon as an incident finishes: the most severe
// first, then the oldest, each with every occurrence seen while it waited. On the real dev server with
// the real session and incident workflows (dry-run GitHub, no model key; incidents wait at their
// approval gate until the test decides).
import { SessionService } from '../../api/session/sessions';
import { detectionsSignal, rejectUpdate, sessionWorkflowId, type SessionView } from '../../core/contract';
import type { IncidentView } from '../../core/contract';
import { eventually, testClient, uniqueId } from '../support/temporal';
import { useSessionWorkers } from './session-workers';
import { detection, sampleInput } from '../support/sessions';

jest.setTimeout(180_000);

describe('session: failures past the open-incident cap', () => {
  const { taskQueue, llmTaskQueue } = useSessionWorkers('deferred');

  test('open as incidents finish, most severe and oldest first, with the repeats seen while waiting', async () => {
    const client = await testClient();
    const service = new SessionService(client, {
      taskQueue,
      settings: {
        llmTaskQueue,
        maxOpenIncidents: 2,
        remediationDefaults: { mode: 'coderun', requireApproval: true, approvalTimeoutSecs: 600 },
      },
    });
    const playId = uniqueId('deferred');
    await service.start(sampleInput(playId));
    const session = client.workflow.getHandle(sessionWorkflowId(playId));
    let batch = 0;
    const send = (...detections: ReturnType<typeof detection>[]) =>
      session.signal(detectionsSignal, { batchId: `${playId}-${batch++}`, detections });
    const at = (second: number) => new Date(Date.UTC(2026, 0, 1, 0, 0, second)).toISOString();
    const failure = (fingerprint: string, second: number, severity: 'critical' | 'high' | 'low') =>
      detection(fingerprint, { severity, observedAt: at(second), line: `failure ${fingerprint}` });

    await send(failure('a-high', 0, 'high'), failure('b-high', 1, 'high'));
    await send(failure('c-low', 2, 'low'), failure('d-critical', 3, 'critical'), failure('e-high', 4, 'high'));
    // Two repeats of a waiting failure: folded into it, not opened (the cap is still full).
    await send(failure('e-high', 5, 'high'));
    await send({ ...failure('e-high', 6, 'high'), repeats: 2 });
    const full = await eventually(
      () => service.get(playId),
      (v) => v.incidents.length === 2 && v.incidentsDeferred === 3 && v.detections.total === 8,
    );
    expect(full.incidents.map((i) => i.fingerprint).sort()).toEqual(['a-high', 'b-high']);

    const opened: string[] = [];
    /** Rejects the open incident of `fingerprint` once it waits at its gate; resolves with the session after. */
    const finish = async (fingerprint: string, expectOpen: number): Promise<SessionView> => {
      // A live view (under load a read may fall back to the last-known, stale one, which lists no incidents).
      const live = await eventually(
        () => service.get(playId),
        (v) => v.incidents.some((i) => i.fingerprint === fingerprint),
      );
      const id = live.incidents.find((i) => i.fingerprint === fingerprint)!.id;
      const incident = client.workflow.getHandle(id);
      await eventually(
        () => incident.query<IncidentView>('status'),
        (v) => v.step === 'awaiting-approval',
        60_000,
      );
      await incident.executeUpdate(rejectUpdate, { args: [{ by: 'test' }] });
      const view = await eventually(
        () => service.get(playId),
        (v) => v.incidents.length === expectOpen,
        60_000,
      );
      opened.push(view.incidents.at(-1)!.fingerprint);
      return view;
    };
    await finish('a-high', 3);
    await finish('b-high', 4);
    const last = await finish('d-critical', 5);
    expect(opened).toEqual(['d-critical', 'e-high', 'c-low']);
    expect(last.incidentsDeferred).toBe(0);

    // The failure that waited opened with all four of its occurrences.
    const e = client.workflow.getHandle(last.incidents.find((i) => i.fingerprint === 'e-high')!.id);
    expect((await e.query<IncidentView>('status')).occurrences).toBe(4);

    await service.end(playId, { reason: 'test done' });
    await session.result();
    for (const incident of last.incidents)
      if (incident.status === 'open') await client.workflow.getHandle(incident.id).cancel();
  });
});
