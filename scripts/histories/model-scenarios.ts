// The model gateway's entity workflows (budget, modelHealth), driven through the gateway's own client
// (SharedState) as LLM workers drive them, each until it continues as new.
import { SharedState } from '../../activities/model/shared-state';
import { emptyLedger, utcDay } from '../../core/model/budget';
import { recordSample } from '../../core/model/stats';
import { budgetQuery, budgetWorkflowId, modelHealthQuery } from '../../core/contract';
import { continuedRun, currentRunId, pause, waitFor, type Recorder, type Scenario } from './scenario';

const BREAKER = { failureThreshold: 2, coolDownMs: 500 };

const healthWorkflowId = (recorder: Recorder) => `rec-model-health-${recorder.suffix}`;
const budgetWorkflowPrefix = (recorder: Recorder) => `rec-budget-${recorder.suffix}-`;

function sharedState(recorder: Recorder): SharedState {
  return new SharedState({
    client: recorder.client,
    taskQueue: recorder.taskQueue,
    healthWorkflowId: healthWorkflowId(recorder),
    budgetWorkflowPrefix: budgetWorkflowPrefix(recorder),
    breaker: BREAKER,
    dailyBudgetUsd: 0.05,
    // Always read the breakers afresh, so every acquire goes through the entity.
    breakerViewTtlMs: 0,
    now: () => Date.now(),
  });
}

/** Sends `step` until the workflow's first run continues as new (the server suggests it at 120 events). */
async function untilContinued(
  recorder: Recorder,
  workflowId: string,
  runId: string,
  step: (i: number) => Promise<void>,
) {
  for (let i = 0; ; i += 1) {
    const { status } = await recorder.client.workflow.getHandle(workflowId, runId).describe();
    if (status.name === 'CONTINUED_AS_NEW') break;
    if (i > 500) throw new Error(`${workflowId} never continued as new`);
    await step(i);
  }
  const recorded = await continuedRun(recorder.client, workflowId, runId);
  // Entities run on for their day (or forever): stop the new run once the one recorded has closed.
  await recorder.client.workflow.getHandle(workflowId).terminate('recorded');
  return recorded;
}

export const modelScenarios: Scenario[] = [
  {
    name: 'budget-reserve-settle-continue-as-new',
    async run(recorder) {
      const shared = sharedState(recorder);
      const day = utcDay(new Date());
      const workflowId = budgetWorkflowId(day, budgetWorkflowPrefix(recorder));
      // Held, then booked above the estimate; a repeated reservation is idempotent; one past the limit is denied.
      if (!(await shared.reserve(day, { id: 'call-1', estimateUsd: 0.02 })).ok)
        throw new Error('first reservation denied');
      const runId = await currentRunId(recorder.client, workflowId);
      await shared.settle(day, { id: 'call-1', actualUsd: 0.025 });
      await shared.reserve(day, { id: 'call-1', estimateUsd: 0.02 });
      if ((await shared.reserve(day, { id: 'too-big', estimateUsd: 1 })).ok) throw new Error('over-budget call held');
      await recorder.client.workflow.getHandle(workflowId).query(budgetQuery);
      return untilContinued(recorder, workflowId, runId, async (i) => {
        await shared.reserve(day, { id: `call-${i + 2}`, estimateUsd: 0.0001 });
        await shared.settle(day, { id: `call-${i + 2}`, actualUsd: 0.0001 });
      });
    },
  },
  {
    name: 'modelHealth-breaker-continue-as-new',
    async run(recorder) {
      const shared = sharedState(recorder);
      const workflowId = healthWorkflowId(recorder);
      // closed → two counted failures open it → refused during the cool-down → one probe → closed again.
      await shared.acquireModel('model-a');
      const runId = await currentRunId(recorder.client, workflowId);
      for (let i = 0; i < BREAKER.failureThreshold; i += 1)
        await shared.recordOutcome({ model: 'model-a', ok: false, errorClass: 'server', counts: true });
      if ((await shared.acquireModel('model-a')).allowed) throw new Error('open breaker allowed a call');
      await pause(BREAKER.coolDownMs + 100);
      if (!(await shared.acquireModel('model-a')).probe) throw new Error('no half-open probe after the cool-down');
      await shared.recordOutcome({ model: 'model-a', ok: true, counts: false });
      await shared.reportChain({
        chain: ['model-a', 'model-b'],
        missing: [],
        source: 'discovered',
        reportedAt: new Date().toISOString(),
      });
      await recorder.client.workflow.getHandle(workflowId).query(modelHealthQuery);
      // Failures that do not count (bad requests) are noted without tripping anything.
      return untilContinued(recorder, workflowId, runId, () =>
        shared.recordOutcome({ model: 'model-b', ok: false, errorClass: 'bad-request', counts: false }),
      );
    },
  },
  {
    name: 'budget-closed-day-to-model-health',
    async run(recorder) {
      // A past day's ledger, with the statistics of its calls, closes at once and hands the day to modelHealth.
      const shared = sharedState(recorder);
      const health = recorder.client.workflow.getHandle(healthWorkflowId(recorder));
      await shared.reportChain({
        chain: ['xai:grok-4'],
        missing: [],
        source: 'discovered',
        reportedAt: new Date().toISOString(),
      });
      const day = '20200101';
      const stats = recordSample(
        {},
        {
          model: 'xai:grok-4',
          outcome: 'error',
          errorClass: 'overloaded',
          at: '2020-01-01T12:00:00Z',
          latencyMs: 40,
          inputTokens: 100,
          outputTokens: 20,
          costUsd: 0.0006,
        },
      );
      const workflowId = budgetWorkflowId(day, budgetWorkflowPrefix(recorder));
      await recorder.client.workflow.execute('budget', {
        taskQueue: recorder.taskQueue,
        workflowId,
        args: [
          {
            day,
            limitUsd: 1,
            ledger: { ...emptyLedger(day, 1), spentUsd: 0.0006, calls: 1, stats },
            healthWorkflowId: healthWorkflowId(recorder),
          },
        ],
      });
      await waitFor(
        'the day in modelHealth',
        () => health.query(modelHealthQuery),
        (view) => !!view.days?.[day],
      );
      await health.terminate('recorded');
      return workflowId;
    },
  },
];
