// The healing chain through the real model gateway (activities/model.ts → @google/genai → fake Gemini):
// evaluation and patch are validated by the gateway and by the workflow, then applied.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { bundleWorkflowCode } from '@temporalio/worker';
import { createContextActivities } from '../../activities/incident/context';
import { createGitHubActivities, createOctokit } from '../../activities/incident/github';
import { createModelActivities } from '../../activities/model';
import { createNotifyActivities } from '../../activities/incident/notify';
import { createRemediationActivities } from '../../activities/incident/remediation';
import type { IncidentView } from '../../core/contract';
import { incidentWorkflowId } from '../../core/contract';
import { startFakeGemini } from '../fakes/gemini';
import { startFakeGitHub } from '../fakes/github';
import { closeTestConnections, createTestWorker, testClient, uniqueId } from '../support/temporal';
import { detection, goodEvaluation, goodPatch, REPO } from './incident-harness';

jest.setTimeout(120_000);
afterAll(() => closeTestConnections());

it('evaluates and patches through the real gateway; a secret in the logs never reaches the model', async () => {
  const secret = 'ghp_abcdefghijklmnopqrstuvwxyz0123456789';
  const github = await startFakeGitHub({ files: { 'src/lib.rs': 'x\n' } });
  const gemini = await startFakeGemini({ models: [{ id: 'gemini-2.5-flash' }] });
  // One model answers in call order: the evaluation, then the patch.
  gemini.script('gemini-2.5-flash', { kind: 'ok', answer: goodEvaluation }, { kind: 'ok', answer: goodPatch() });
  const noop = () => undefined;
  const workflowBundle = await bundleWorkflowCode({
    workflowsPath: require.resolve('./workflows/incident-with-gateway'),
    logger: { trace: noop, debug: noop, info: noop, warn: noop, error: console.error, log: noop },
  });
  const taskQueue = uniqueId('gw');
  const llmTaskQueue = `${taskQueue}-llm`;
  const dir = mkdtempSync(join(tmpdir(), 'healer-gw-'));
  const client = await testClient();
  const gh = createGitHubActivities({ octokit: createOctokit('t', github.url) });
  const model = createModelActivities({
    apiKey: 'test-key',
    baseUrl: gemini.url,
    client,
    logDir: join(dir, 'logs'),
    config: {
      stateTaskQueue: taskQueue,
      healthWorkflowId: `${taskQueue}-model-health`,
      budgetWorkflowPrefix: `${taskQueue}-budget-`,
      dailyBudgetUsd: 100,
    },
  });
  const activities = {
    ...gh,
    ...createContextActivities({ stateDir: dir, logWindow: async () => [`auth with ${secret}`] }),
    ...createNotifyActivities({}),
    ...createRemediationActivities({ github: gh }),
  };
  const workers = [
    await createTestWorker({ taskQueue, workflowBundle, activities }),
    await createTestWorker({ taskQueue: llmTaskQueue, activities: model }),
  ];
  const runs = workers.map((w) => w.run());
  try {
    const d = detection();
    const playId = uniqueId('play');
    const view = (await client.workflow.execute('incident', {
      taskQueue,
      workflowId: incidentWorkflowId(playId, d.fingerprint),
      args: [
        { playId, repository: REPO, namespace: 'cto', detection: d, llmTaskQueue, remediation: { ciPollSecs: 0.2 } },
      ],
    })) as IncidentView;
    expect(view).toMatchObject({ status: 'resolved', evaluatedBy: 'model gemini-2.5-flash', round: 1 });
    expect(github.pulls(REPO)).toHaveLength(1);
    expect(github.file(REPO, 'src/lib.rs', `healer/${view.id}`)).toBe(goodPatch().edits[0].content);
    const calls = gemini.generateCalls('gemini-2.5-flash');
    expect(calls).toHaveLength(2);
    expect(calls.map((c) => c.body).join('\n')).not.toContain(secret);
    expect(calls[0].body).toContain('[REDACTED');
  } finally {
    for (const w of workers) w.shutdown();
    await Promise.all(runs);
    await Promise.all([github.stop(), gemini.stop()]);
  }
});
