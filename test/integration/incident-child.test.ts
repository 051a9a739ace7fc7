// The incident as the session's child: started with incidentChildOptions, it keeps its parent's view
// current with incidentUpdate signals, carries search attributes, and survives the parent's end.
import { bundleWorkflowCode } from '@temporalio/worker';
import type { IncidentView } from '../../core/contract';
import { incidentWorkflowId, searchAttributes } from '../../core/contract';
import type { IncidentSummary } from '../../core/contract';
import { closeTestConnections, createTestWorker, eventually, testClient, uniqueId } from '../support/temporal';
import { startFakeGemini } from '../fakes/gemini';
import { EVAL_MODEL, PATCH_MODEL, thinGateway } from '../fakes/model-gateway';
import { createContextActivities } from '../../activities/incident/context';
import { createGitHubActivities, createOctokit } from '../../activities/incident/github';
import { createNotifyActivities } from '../../activities/incident/notify';
import { createRemediationActivities } from '../../activities/incident/remediation';
import { startFakeGitHub } from '../fakes/github';
import { detection, goodEvaluation, goodPatch, REPO } from './incident-harness';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

jest.setTimeout(120_000);
afterAll(() => closeTestConnections());

it('runs as a child: parent gets summaries, child outlives the parent, search attributes are set', async () => {
  const github = await startFakeGitHub({ files: { 'src/lib.rs': 'x\n' } });
  const gemini = await startFakeGemini({ models: [{ id: EVAL_MODEL }, { id: PATCH_MODEL }] });
  gemini.script(EVAL_MODEL, { kind: 'ok', answer: goodEvaluation });
  gemini.script(PATCH_MODEL, { kind: 'ok', answer: goodPatch() });
  const noop = () => undefined;
  const workflowBundle = await bundleWorkflowCode({
    workflowsPath: require.resolve('./workflows/incident-parent'),
    logger: { trace: noop, debug: noop, info: noop, warn: noop, error: console.error, log: noop },
  });
  const uniqueQueue = uniqueId('child');
  const taskQueue = `${uniqueQueue}-incidents`;
  const gh = createGitHubActivities({ octokit: createOctokit('t', github.url) });
  const activities = {
    ...gh,
    ...createContextActivities({ stateDir: mkdtempSync(join(tmpdir(), 'healer-child-')) }),
    ...createNotifyActivities({}),
    ...createRemediationActivities({ github: gh }),
  };
  const main = await createTestWorker({ taskQueue, workflowBundle, activities });
  const parentWorker = await createTestWorker({ taskQueue: uniqueQueue, workflowBundle, activities });
  const llm = await createTestWorker({
    taskQueue: `${uniqueQueue}-llm`,
    activities: thinGateway(gemini.url, 'test-key'),
  });
  const client = await testClient();
  const runs = [main, parentWorker, llm].map((w) => ({ w, done: w.run() }));
  try {
    const playId = uniqueId('play');
    const d = detection();
    const input = {
      playId,
      repository: REPO,
      namespace: 'cto',
      detection: d,
      llmTaskQueue: `${uniqueQueue}-llm`,
      remediation: { ciPollSecs: 0.2, requireApproval: true },
    };

    // 1. A parent that ends right after starting the child: the child carries on (ABANDON).
    await client.workflow.execute('parentOfIncident', {
      taskQueue: uniqueQueue,
      workflowId: `parent-${playId}`,
      args: [input, false, taskQueue],
    });
    const child = client.workflow.getHandle(incidentWorkflowId(playId, d.fingerprint));
    await eventually(
      () => child.query<IncidentView>('status'),
      (v) => v.step === 'awaiting-approval',
    );
    const desc = await child.describe();
    expect(desc.typedSearchAttributes.get(searchAttributes.playId)).toBe(playId);
    expect(desc.typedSearchAttributes.get(searchAttributes.alertCodes)).toEqual(['R1']);
    expect(await desc.staticSummary()).toMatch(/^Incident R1 \(critical\)/);
    // A task lost with a killed worker is handed on after 2 s, not Temporal's default 10 s.
    expect(Number(desc.raw.executionConfig?.defaultWorkflowTaskTimeout?.seconds)).toBe(2);
    await child.executeUpdate('approve', { args: [{ by: 'test' }] });
    expect(((await child.result()) as IncidentView).status).toBe('resolved');
    expect((await child.describe()).typedSearchAttributes.get(searchAttributes.status)).toBe('resolved');

    // 2. A parent that stays: it receives the incident's summaries up to the final one.
    const d2 = detection();
    const parent = await client.workflow.start('parentOfIncident', {
      taskQueue: uniqueQueue,
      workflowId: `parent2-${playId}`,
      args: [{ ...input, detection: d2, remediation: { ciPollSecs: 0.2 } }, true, taskQueue],
    });
    const updates = (await parent.result()) as IncidentSummary[];
    // Milestones only, each with the step it was reached at: started, issue opened, PR opened, resolved.
    expect(updates.map((u) => [u.step, u.status, Boolean(u.issue), Boolean(u.pr)])).toEqual([
      ['gathering', 'open', false, false],
      [expect.any(String), 'open', true, false],
      [expect.any(String), 'open', true, true],
      ['done', 'resolved', true, true],
    ]);
    expect(updates[updates.length - 1]).toMatchObject({
      status: 'resolved',
      id: incidentWorkflowId(playId, d2.fingerprint),
      issue: { dryRun: false },
      pr: { dryRun: false },
    });
  } finally {
    for (const r of runs) r.w.shutdown();
    await Promise.all(runs.map((r) => r.done));
    await Promise.all([github.stop(), gemini.stop()]);
  }
});
