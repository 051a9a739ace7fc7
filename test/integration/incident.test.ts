// The healing chain on the real dev server against the fakes (GitHub, Discord, Gemini).
import { approveUpdate, DECISION_REFUSED_FAILURE, rejectUpdate } from '../../core/contract';
import type { IncidentView } from '../../core/contract';
import { closeTestConnections, eventually } from '../support/temporal';
import { WorkflowUpdateFailedError, type WorkflowHandle } from '@temporalio/client';
import { Worker } from '@temporalio/worker';
import {
  createHarness,
  detection,
  EVAL_MODEL,
  goodPatch,
  incidentBundle,
  PATCH_MODEL,
  REPO,
  type Harness,
} from './incident-harness';

jest.setTimeout(120_000);

/** The failure a refused decision comes back with (the update's validator threw it). */
async function refusal(update: Promise<unknown>): Promise<{ type?: string; message: string }> {
  const error = await update.then(
    () => undefined,
    (failure: unknown) => failure,
  );
  expect(error).toBeInstanceOf(WorkflowUpdateFailedError);
  return (error as WorkflowUpdateFailedError).cause as { type?: string; message: string };
}

/** Names of the update events in an incident's history (a refused update leaves none). */
async function updateEvents(handle: WorkflowHandle): Promise<string[]> {
  const { events } = await handle.fetchHistory();
  return (events ?? []).flatMap((event) =>
    event.workflowExecutionUpdateAcceptedEventAttributes
      ? [`accepted ${event.workflowExecutionUpdateAcceptedEventAttributes.acceptedRequest?.input?.name}`]
      : event.workflowExecutionUpdateCompletedEventAttributes
        ? ['completed']
        : [],
  );
}

/** For each activity type, the events (ids) of the workflow tasks that scheduled it, and when it completed. */
async function activityTimeline(handle: WorkflowHandle) {
  const { events } = await handle.fetchHistory();
  const scheduledBy = new Map<string, number[]>();
  const typeOf = new Map<number, string>();
  const completedAt = new Map<string, number[]>();
  for (const event of events ?? []) {
    const id = Number(event.eventId);
    const scheduled = event.activityTaskScheduledEventAttributes;
    if (scheduled) {
      const type = scheduled.activityType!.name!;
      typeOf.set(id, type);
      scheduledBy.set(type, [...(scheduledBy.get(type) ?? []), Number(scheduled.workflowTaskCompletedEventId)]);
    }
    const completed = event.activityTaskCompletedEventAttributes;
    if (completed) {
      const type = typeOf.get(Number(completed.scheduledEventId))!;
      completedAt.set(type, [...(completedAt.get(type) ?? []), id]);
    }
  }
  return { scheduledBy, completedAt, scheduledIds: [...typeOf].map(([id, type]) => ({ id, type })) };
}

describe('incident workflow', () => {
  let h: Harness;
  afterEach(async () => h?.close());
  afterAll(() => closeTestConnections());

  async function run(
    setup: (h: Harness) => void,
    remediation: Record<string, unknown> = {},
    opts: Parameters<typeof createHarness>[0] = {},
  ) {
    h = await createHarness(opts);
    setup(h);
    await h.startWorkers();
    const handle = await h.start({ detection: detection(), remediation });
    const view = (await handle.result()) as IncidentView;
    return { handle, view };
  }

  it('heals in one round: issue, branch, PR with the fix, CI green, issue closed', async () => {
    const { view } = await run(() => undefined);
    expect(view).toMatchObject({ status: 'resolved', round: 1, evaluatedBy: `model ${EVAL_MODEL}` });
    const [issue] = h.github.issues(REPO);
    expect(h.github.issues(REPO)).toHaveLength(1);
    expect(issue.title).toBe('[Healer R1] Null dereference in the config loader');
    expect(issue.labels).toEqual(['healer', 'R1', 'severity:high']);
    expect(issue.body).toContain(`<!-- healer-incident: ${view.id} -->`);
    expect(issue.body).toContain('load_config unwraps a missing key');
    expect(issue.state).toBe('closed');
    expect(issue.comments.map((c) => c.body).join('\n')).toMatch(/CI passed/);
    const [pr] = h.github.pulls(REPO);
    expect(h.github.pulls(REPO)).toHaveLength(1);
    expect(pr.body).toContain(`Fixes #${issue.number}`);
    expect(pr.pull!.head).toBe(`healer/${view.id}`);
    expect(h.github.file(REPO, 'src/lib.rs', pr.pull!.head)).toBe(goodPatch().edits[0].content);
    expect(view.pr).toMatchObject({ number: pr.number, dryRun: false });
    // Not merged without autoMerge.
    expect(h.github.file(REPO, 'src/lib.rs')).not.toBe(goodPatch().edits[0].content);
  });

  it('runs steps that need nothing from each other together', async () => {
    // The patch answer comes slowly, so the branch is readied while the model writes the patch.
    const { handle, view } = await run((x) =>
      x.gemini.script(PATCH_MODEL, { kind: 'slow', delayMs: 1500, then: { kind: 'ok', answer: goodPatch() } }),
    );
    expect(view).toMatchObject({ status: 'resolved', round: 1 });
    const { scheduledBy, completedAt, scheduledIds } = await activityTimeline(handle);
    // Round 1's patch is asked for by the same workflow task that opens the issue.
    expect(scheduledBy.get('preparePatchPrompt')).toEqual(scheduledBy.get('findOrCreateIssue'));
    // The branch is ensured before the patch answer arrives (the second model call).
    const patchAnswered = completedAt.get('generateStructured')![1];
    const branchScheduled = scheduledIds.find((s) => s.type === 'ensureBranch')!.id;
    expect(branchScheduled).toBeLessThan(patchAnswered);
    // The resolved comment and the issue's closing go out together.
    expect(scheduledBy.get('closeIssue')).toEqual([scheduledBy.get('commentOnce')!.at(-1)]);
    expect(h.github.issues(REPO)[0].state).toBe('closed');
  });

  it('merges when autoMerge is on', async () => {
    const { view } = await run(() => undefined, { autoMerge: true });
    expect(view.status).toBe('resolved');
    expect(h.github.pulls(REPO)[0].pull!.merged).toBe(true);
    expect(h.github.file(REPO, 'src/lib.rs')).toBe(goodPatch().edits[0].content);
  });

  it('feeds a CI failure back and succeeds in round 2', async () => {
    const { view } = await run((x) => {
      x.github.setCiPlan(['failure', 'success']);
      x.gemini.script(PATCH_MODEL, { kind: 'ok', answer: goodPatch(1) }, { kind: 'ok', answer: goodPatch(2) });
    });
    expect(view).toMatchObject({ status: 'resolved', round: 2 });
    expect(h.github.pulls(REPO)).toHaveLength(1);
    const patchCalls = h.gemini.generateCalls(PATCH_MODEL);
    expect(patchCalls).toHaveLength(2);
    expect(patchCalls[1].body).toContain('mismatched types');
    expect(patchCalls[0].body).not.toContain('mismatched types');
    const comments = h.github.issues(REPO)[0].comments.map((c) => c.body);
    expect(comments.some((c) => c.includes('CI failed for remediation round 1'))).toBe(true);
    expect(h.github.file(REPO, 'src/lib.rs', `healer/${view.id}`)).toBe(goodPatch(2).edits[0].content);
  });

  it('replays its own history deterministically', async () => {
    const { handle, view } = await run(
      (x) => {
        x.github.setCiPlan(['failure', 'success']);
        x.gemini.script(PATCH_MODEL, { kind: 'ok', answer: goodPatch(1) }, { kind: 'ok', answer: goodPatch(2) });
      },
      { requireApproval: true, approvalTimeoutSecs: 0.3 },
    );
    expect(view.status).toBe('escalated');
    // A second incident on the same workers: two rounds (CI failure, then success).
    const h2 = await h.start({ detection: detection() });
    expect(((await h2.result()) as IncidentView).round).toBe(2);
    for (const wf of [handle, h2])
      await Worker.runReplayHistory({ workflowBundle: await incidentBundle() }, await wf.fetchHistory(), wf.workflowId);
  });

  it('does not re-verify an unchanged commit: the same patch again is a failed round', async () => {
    const { view } = await run((x) => x.github.setCiPlan(['failure']), { maxIterations: 2 });
    expect(view).toMatchObject({ status: 'escalated', round: 2 });
    expect(view.reason).toMatch(/no new commit on PR #\d+ \(same change as before\)/);
    expect(h.github.issues(REPO)[0].comments.filter((c) => c.body.includes('CI failed'))).toHaveLength(1);
  });

  it('escalates after maxIterations failing rounds: needs-human, comment, Discord', async () => {
    const { view } = await run(
      (x) => {
        x.github.setCiPlan(['failure']);
        x.gemini.script(PATCH_MODEL, { kind: 'ok', answer: goodPatch(1) }, { kind: 'ok', answer: goodPatch(2) });
      },
      { maxIterations: 2 },
    );
    expect(view).toMatchObject({ status: 'escalated', round: 2 });
    expect(view.reason).toMatch(/no passing fix after 2 of 2 rounds; last: CI failed in round 2/);
    const [issue] = h.github.issues(REPO);
    expect(issue.labels).toContain('needs-human');
    expect(issue.state).toBe('open');
    expect(issue.comments.some((c) => c.body.includes('needs a human'))).toBe(true);
    expect(h.github.pulls(REPO)).toHaveLength(1);
    expect(h.discord.messages.map((m) => m.content).join('\n')).toMatch(/Escalated.*R1/);
  });

  it('notifies Discord for P1 detections, retrying after a 429 retry_after', async () => {
    h = await createHarness();
    h.discord.rateLimitNext(1, 0.3);
    await h.startWorkers();
    const handle = await h.start({
      detection: detection({
        code: 'A10',
        priority: 'P1',
        severity: 'high',
        line: 'tool inventory mismatch: missing memory_create',
      }),
    });
    const view = (await handle.result()) as IncidentView;
    expect(view.status).toBe('resolved');
    expect(h.discord.attempts).toBeGreaterThanOrEqual(2);
    expect(h.discord.messages.map((m) => m.content).join('\n')).toMatch(/Detected.*A10/);
  });

  it('waits for approval, then heals', async () => {
    h = await createHarness();
    await h.startWorkers();
    const handle = await h.start({ detection: detection(), remediation: { requireApproval: true } });
    await eventually(
      () => h.view(handle),
      (v) => v.step === 'awaiting-approval',
    );
    expect(h.github.pulls(REPO)).toHaveLength(0);
    const result = await handle.executeUpdate(approveUpdate, { args: [{ by: 'alice' }] });
    expect(result.accepted).toBe(true);
    // The first decision wins: a second one is refused by the validator and leaves no trace.
    const second = await refusal(handle.executeUpdate(rejectUpdate, { args: [{ by: 'mallory' }] }));
    expect(second).toMatchObject({ type: DECISION_REFUSED_FAILURE, message: 'the incident was already approved' });
    const view = (await handle.result()) as IncidentView;
    expect(view).toMatchObject({ status: 'resolved', approval: { decision: 'approved', by: 'alice' } });
    expect(h.github.pulls(REPO)).toHaveLength(1);
    expect(await updateEvents(handle)).toEqual(['accepted approve', 'completed']);
    // The incident is over: a late decision cannot reach it.
    await expect(handle.executeUpdate(rejectUpdate, { args: [{}] })).rejects.toThrow(/completed/);
  });

  it('a rejection closes the issue without remediating', async () => {
    h = await createHarness();
    await h.startWorkers();
    const handle = await h.start({ detection: detection(), remediation: { requireApproval: true } });
    await eventually(
      () => h.view(handle),
      (v) => v.step === 'awaiting-approval',
    );
    await handle.executeUpdate(rejectUpdate, { args: [{ by: 'bob', comment: 'not worth it' }] });
    const view = (await handle.result()) as IncidentView;
    expect(view).toMatchObject({ status: 'rejected', approval: { decision: 'rejected', by: 'bob' } });
    const [issue] = h.github.issues(REPO);
    expect(issue).toMatchObject({ state: 'closed', stateReason: 'not_planned' });
    expect(h.github.pulls(REPO)).toHaveLength(0);
    expect(h.gemini.generateCalls(PATCH_MODEL)).toHaveLength(0);
  });

  it('escalates when nobody approves in time', async () => {
    const { view } = await run(() => undefined, { requireApproval: true, approvalTimeoutSecs: 0.5 });
    expect(view).toMatchObject({ status: 'escalated', approval: { decision: 'timed-out' } });
    expect(h.github.issues(REPO)[0].labels).toContain('needs-human');
    expect(h.github.pulls(REPO)).toHaveLength(0);
  });

  it('approve is refused when no approval is required', async () => {
    h = await createHarness();
    h.github.setCiPlan(['failure']);
    await h.startWorkers();
    const handle = await h.start({ detection: detection(), remediation: { maxIterations: 1 } });
    await eventually(
      () => h.view(handle),
      (v) => v.issue !== undefined,
    );
    const refused = await refusal(handle.executeUpdate(approveUpdate, { args: [{}] }));
    expect(refused.type).toBe(DECISION_REFUSED_FAILURE);
    expect(refused.message).toMatch(/does not wait for approval|finished/);
    expect(((await handle.result()) as IncidentView).approval).toBeUndefined();
    // Refused in the validator: the history holds no update at all.
    expect(await updateEvents(handle)).toEqual([]);
  });

  it('ends as failed, with the reason, when GitHub refuses for good', async () => {
    const { view } = await run((x) =>
      x.github.fail({ method: 'POST', path: /\/issues$/, status: 404, message: 'Not Found' }),
    );
    expect(view).toMatchObject({ status: 'failed', step: 'done' });
    expect(view.reason).toMatch(/^opening-issue failed: GitHubRejected: create issue: 404/);
    expect(h.github.issues(REPO)).toHaveLength(0);
    expect(h.discord.messages.map((m) => m.content).join('\n')).toMatch(/Escalated.*opening-issue failed/);
  });

  it('keeps occurrences current from evidence signals', async () => {
    h = await createHarness();
    await h.startWorkers();
    const handle = await h.start({ detection: detection(), remediation: { requireApproval: true } });
    await eventually(
      () => h.view(handle),
      (v) => v.step === 'awaiting-approval',
    );
    await handle.signal('evidence', { detections: [detection(), detection()] });
    const v = await eventually(
      () => h.view(handle),
      (x) => x.occurrences === 3,
    );
    expect(v.occurrences).toBe(3);
    await handle.executeUpdate(rejectUpdate, { args: [{}] });
    await handle.result();
  });
});
