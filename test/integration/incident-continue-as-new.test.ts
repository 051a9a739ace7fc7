// An incident open for a long time (evidence flooding in at its approval gate, a long CI wait) continues
// as new when Temporal suggests it (the suite's server suggests it past 120 events), carrying its view,
// round, decision, issue and PR: the healing goes on where it stood, nothing is done twice.
import { Worker } from '@temporalio/worker';
import type { WorkflowHandle } from '@temporalio/client';
import { approveUpdate, type IncidentView } from '../../core/contract';
import { closeTestConnections, eventually, testClient } from '../support/temporal';
import { createHarness, detection, incidentBundle, PATCH_MODEL, REPO, type Harness } from './incident-harness';

jest.setTimeout(180_000);

/** Every run of the incident, first to last: each history, and how it ended. */
async function runsOf(handle: WorkflowHandle, firstRunId: string) {
  const client = await testClient();
  const runs: Array<{ runId: string; events: number; continued: boolean }> = [];
  let runId: string | undefined = firstRunId;
  while (runId !== undefined) {
    const run: WorkflowHandle = client.workflow.getHandle(handle.workflowId, runId);
    const events = (await run.fetchHistory()).events ?? [];
    const next: string | null | undefined =
      events.at(-1)?.workflowExecutionContinuedAsNewEventAttributes?.newExecutionRunId;
    runs.push({ runId, events: events.length, continued: Boolean(next) });
    runId = next ?? undefined;
  }
  return runs;
}

async function replayEveryRun(handle: WorkflowHandle, runIds: string[]) {
  const client = await testClient();
  for (const runId of runIds)
    await Worker.runReplayHistory(
      { workflowBundle: await incidentBundle() },
      await client.workflow.getHandle(handle.workflowId, runId).fetchHistory(),
      handle.workflowId,
    );
}

describe('incident continue-as-new', () => {
  let h: Harness;
  afterEach(async () => h?.close());
  afterAll(() => closeTestConnections());

  it('a flood of evidence at the approval gate: the next run keeps the gate, the count and the issue', async () => {
    h = await createHarness();
    await h.startWorkers();
    const handle = await h.start({ detection: detection(), remediation: { requireApproval: true } });
    const firstRunId = handle.firstExecutionRunId;
    await eventually(
      () => h.view(handle),
      (v) => v.step === 'awaiting-approval',
    );
    for (let i = 0; i < 80; i++) await handle.signal('evidence', { detections: [detection()] });
    const carried = await eventually(
      () => h.view(handle),
      (v) => v.occurrences === 81 && v.events.some((e) => /continuing as new/.test(e.message)),
      60_000,
    );
    expect(carried).toMatchObject({ step: 'awaiting-approval', status: 'open', issue: { dryRun: false } });
    const runs = await runsOf(handle, firstRunId);
    expect(runs.length).toBeGreaterThanOrEqual(2);
    expect(runs[0]).toMatchObject({ continued: true });

    // The gate is still open in the new run: the approval heals as usual.
    await handle.executeUpdate(approveUpdate, { args: [{ by: 'alice' }] });
    const view = (await handle.result()) as IncidentView;
    expect(view).toMatchObject({
      status: 'resolved',
      occurrences: 81,
      approval: { decision: 'approved', by: 'alice' },
    });
    expect(h.github.issues(REPO)).toHaveLength(1);
    expect(h.github.pulls(REPO)).toHaveLength(1);
    await replayEveryRun(
      handle,
      (await runsOf(handle, firstRunId)).map((r) => r.runId),
    );
  });

  it('rolls over at its event bound, before Temporal suggests it, so a cold worker replays a short run', async () => {
    h = await createHarness();
    await h.startWorkers();
    const handle = await h.start({
      detection: detection(),
      remediation: { requireApproval: true },
      maxHistoryEvents: 60,
    });
    const firstRunId = handle.firstExecutionRunId;
    await eventually(
      () => h.view(handle),
      (v) => v.step === 'awaiting-approval',
    );
    for (let i = 0; i < 30; i++) await handle.signal('evidence', { detections: [detection()] });
    await eventually(
      () => h.view(handle),
      (v) => v.occurrences === 31 && v.events.some((e) => /continuing as new/.test(e.message)),
      60_000,
    );
    const [first] = await runsOf(handle, firstRunId);
    // Past the bound (60), well before the suite server's suggestion (120 events).
    expect(first.continued).toBe(true);
    expect(first.events).toBeGreaterThanOrEqual(60);
    expect(first.events).toBeLessThan(120);

    await handle.executeUpdate(approveUpdate, { args: [{ by: 'alice' }] });
    expect(await handle.result()).toMatchObject({ status: 'resolved', occurrences: 31 });
    expect(h.github.pulls(REPO)).toHaveLength(1);
    await replayEveryRun(
      handle,
      (await runsOf(handle, firstRunId)).map((r) => r.runId),
    );
  });

  it('a long CI wait: the next run polls the same PR and resolves, with one model call and one PR', async () => {
    h = await createHarness({ github: { ciPendingPolls: 30 } });
    await h.startWorkers();
    const handle = await h.start({ detection: detection() });
    const view = (await handle.result()) as IncidentView;
    expect(view).toMatchObject({ status: 'resolved', round: 1 });
    expect(view.events.some((e) => e.step === 'verifying' && /continuing as new/.test(e.message))).toBe(true);
    const runs = await runsOf(handle, handle.firstExecutionRunId);
    expect(runs.length).toBeGreaterThanOrEqual(2);
    expect(runs.slice(0, -1).every((r) => r.continued)).toBe(true);
    expect(h.gemini.generateCalls(PATCH_MODEL)).toHaveLength(1);
    expect(h.github.pulls(REPO)).toHaveLength(1);
    const [issue] = h.github.issues(REPO);
    expect(issue.state).toBe('closed');
    expect(issue.comments.filter((c) => c.body.includes('CI passed'))).toHaveLength(1);
    await replayEveryRun(
      handle,
      runs.map((r) => r.runId),
    );
  });
});
