// The generic playbook interpreter. Reads like the runbook it runs: load the playbook, then take the
// next step (core/playbook/plan decides which), run it as an activity with the step's own timeout and
// retry policy, audit it, and repeat. A failed step or an SLO overrun stops the normal steps; the
// `always` steps (revocation, leaving emergency mode, the audit) still run; then humans are escalated
// to. Nothing loops: each step runs at most once per item.
import {
  ActivityFailure,
  ApplicationFailure,
  CancellationScope,
  isCancellation,
  log,
  proxyActivities,
  setHandler,
  sleep,
  workflowInfo,
} from '@temporalio/workflow';
import type { WatchdogWorkerActivities } from '../../activities/watchdog/watchdog';
import { PLAYBOOK_ACTIONS } from '../../core/watchdog/playbook/actions';
import { nextStep, outcomeOf, scalePlaybook, skippedSteps, type RunState } from '../../core/watchdog/playbook/plan';
import { renderStepParams, resolveParameters, stepItems } from '../../core/watchdog/playbook/template';
import type { Playbook, PlaybookStep, StepContext, StepOutcome, StepRequest } from '../../core/watchdog/playbook/types';
import { playbookStatusQuery, type PlaybookInput, type PlaybookResult } from '../../core/contract';
import { watchdogWorkflowId } from '../../core/contract';

const loader = proxyActivities<WatchdogWorkerActivities>({
  startToCloseTimeout: '30s',
  retry: { maximumAttempts: 5, nonRetryableErrorTypes: ['PlaybookLoadError'] },
});
const bookkeeping = proxyActivities<WatchdogWorkerActivities>({
  startToCloseTimeout: '30s',
  retry: { maximumAttempts: 10, initialInterval: '1s', maximumInterval: '30s' },
});

type StepActivity = (request: StepRequest) => Promise<unknown>;

/** The activity of a step, with that step's timeout and retry policy. */
function activityFor(step: PlaybookStep): StepActivity {
  const acts = proxyActivities<WatchdogWorkerActivities>({
    startToCloseTimeout: step.timeoutMs,
    retry: {
      maximumAttempts: step.retry.attempts,
      initialInterval: Math.max(1, step.retry.intervalMs),
      backoffCoefficient: 1,
      maximumInterval: Math.max(1, step.retry.intervalMs),
    },
  });
  return acts[PLAYBOOK_ACTIONS[step.action].activity] as unknown as StepActivity;
}

export async function playbook(input: PlaybookInput): Promise<PlaybookResult> {
  const info = workflowInfo();
  const run = info.workflowId;
  const startedAt = new Date();
  const watchdogId = input.watchdogWorkflowId ?? info.parent?.workflowId ?? watchdogWorkflowId(input.namespace);
  const outcomes: StepOutcome[] = [];
  const state: RunState = { records: [], sloExceeded: false };
  let current: string | undefined;
  setHandler(playbookStatusQuery, () => ({
    playbook: input.playbook,
    current,
    steps: outcomes,
    sloExceeded: state.sloExceeded,
  }));

  // 1. Load and check: a bad playbook or missing parameter fails before any step runs.
  let book: Playbook;
  let values: Record<string, unknown>;
  try {
    book = scalePlaybook(
      await loader.loadPlaybook({ name: input.playbook, ...(input.source ? { source: input.source } : {}) }),
      input.durationScale ?? 1,
    );
    values = resolveParameters(book, input.params);
  } catch (error) {
    const reason = describeError(error);
    await escalateSafely({
      key: `${run}/escalation`,
      title: `Healer playbook ${input.playbook} could not start`,
      body: reason,
      target: input.playbook,
      playbookRun: run,
    });
    throw ApplicationFailure.nonRetryable(reason, 'PlaybookLoadError');
  }

  // 2. The SLO clock: when it runs out, the running step is cancelled and only `always` steps remain.
  const sloScope = new CancellationScope();
  let sloFired = false;
  const sloTimer = sloScope
    .run(() => sleep(book.sloMs))
    .then(
      () => void (sloFired = true),
      () => undefined,
    );

  // 3. The steps, in the order the plan gives.
  for (;;) {
    if (sloFired) state.sloExceeded = true;
    const step = nextStep(book, state);
    if (!step) break;
    current = step.id;
    // `always` steps are not cut short by the SLO: revocation must finish.
    const results = step.always ? await runStep(step) : await raceSlo(() => runStep(step));
    outcomes.push(...results);
    state.records.push({
      stepId: step.id,
      status: results.every((r) => r.status === 'succeeded') ? 'succeeded' : 'failed',
    });
  }
  current = undefined;
  sloScope.cancel();
  for (const step of skippedSteps(book, state)) {
    const skipped: StepOutcome = { stepId: step.id, status: 'skipped' };
    outcomes.push(skipped);
    await auditStep(step, skipped, undefined, {});
  }

  // 4. Escalate anything but success, once.
  const outcome = outcomeOf(state);
  const finishedAt = new Date();
  const escalated = outcome !== 'succeeded';
  if (escalated) {
    const failed = outcomes.filter((o) => o.status === 'failed');
    const body = [
      `Playbook \`${book.name}\` (${run}) ended **${outcome}** after ${finishedAt.getTime() - startedAt.getTime()} ms (SLO ${book.sloMs} ms).`,
      `Parameters: ${JSON.stringify(input.params)}`,
      ...failed.map(
        (o) => `- step \`${o.stepId}\`${o.item ? ` [${o.item}]` : ''} failed: ${o.error ?? 'unknown error'}`,
      ),
      ...(state.sloExceeded
        ? ['- the SLO ran out; remaining steps were skipped and the always-run steps were executed']
        : []),
    ].join('\n');
    await escalateSafely({
      key: `${run}/escalation`,
      title: `Healer recovery ${book.name} ${outcome}`,
      body,
      target: targetOf(input.params, book.name),
      playbookRun: run,
    });
  }
  return {
    playbook: book.name,
    workflowId: run,
    outcome,
    steps: outcomes,
    startedAt: startedAt.toISOString(),
    finishedAt: finishedAt.toISOString(),
    durationMs: finishedAt.getTime() - startedAt.getTime(),
    sloMs: book.sloMs,
    escalated,
  };

  /** Run one step for each of its items (in parallel: "restart both sides"), auditing each. */
  async function runStep(step: PlaybookStep): Promise<StepOutcome[]> {
    const items = stepItems(step, values);
    return Promise.all(
      items.map(async (item) => {
        const params = renderStepParams(step, values, item);
        const context: StepContext = {
          playbook: book.name,
          run,
          stepId: step.id,
          ...(item !== undefined ? { item } : {}),
          namespace: input.namespace,
          watchdogWorkflowId: watchdogId,
          key: item === undefined ? `${run}/${step.id}` : `${run}/${step.id}/${item}`,
          runStartedAt: startedAt.toISOString(),
          ...(input.triggeredAt ? { triggeredAt: input.triggeredAt } : {}),
          now: new Date().toISOString(),
          sloExceeded: state.sloExceeded || sloFired,
          steps: [...outcomes],
        };
        const began = context.now;
        let outcome: StepOutcome;
        try {
          const result = await activityFor(step)({ params, context });
          outcome = {
            stepId: step.id,
            ...(item !== undefined ? { item } : {}),
            status: 'succeeded',
            startedAt: began,
            finishedAt: new Date().toISOString(),
            result,
          };
        } catch (error) {
          const error_ = isCancellation(error) ? 'cancelled: the playbook SLO ran out' : describeError(error);
          outcome = {
            stepId: step.id,
            ...(item !== undefined ? { item } : {}),
            status: 'failed',
            startedAt: began,
            finishedAt: new Date().toISOString(),
            error: error_,
          };
          log.warn('playbook step failed', { run, step: step.id, item, error: error_ });
        }
        await auditStep(step, outcome, item, params);
        return outcome;
      }),
    );
  }

  /** Run `work` unless the SLO runs out first; then cancel it (its outcomes say so). */
  async function raceSlo(work: () => Promise<StepOutcome[]>): Promise<StepOutcome[]> {
    const scope = new CancellationScope();
    const running = scope.run(work);
    const first = await Promise.race([running.then(() => 'done' as const), sloTimer.then(() => 'slo' as const)]);
    if (first === 'slo' && sloFired) {
      state.sloExceeded = true;
      // Audit appends inside `work` run in a non-cancellable scope, so they finish; the step's activity is cancelled.
      scope.cancel();
    }
    return running;
  }

  /** One audit entry per step (per item), keyed so a retried append is written once. */
  async function auditStep(
    step: PlaybookStep,
    outcome: StepOutcome,
    item: string | undefined,
    params: Record<string, unknown>,
  ): Promise<void> {
    if (step.action === 'audit') return; // the audit step writes its own summary entry
    await CancellationScope.nonCancellable(async () => {
      try {
        await bookkeeping.appendAudit({
          key: item === undefined ? `${run}/${step.id}` : `${run}/${step.id}/${item}`,
          actor: 'watchdog',
          action: `${book.name}.${step.id}`,
          target: targetOf(params, book.name),
          result: outcome.status,
          playbookRun: run,
          ...(outcome.startedAt ? { startedAt: outcome.startedAt } : {}),
          ...(outcome.finishedAt ? { finishedAt: outcome.finishedAt } : {}),
          details: { action: step.action, params, ...(outcome.error ? { error: outcome.error } : {}) },
        });
      } catch (error) {
        log.error('audit append failed', { run, step: step.id, error: describeError(error) });
      }
    });
  }
}

async function escalateSafely(request: Parameters<WatchdogWorkerActivities['escalate']>[0]): Promise<void> {
  await CancellationScope.nonCancellable(async () => {
    try {
      await bookkeeping.escalate(request);
    } catch (error) {
      log.error('escalation failed', { key: request.key, error: describeError(error) });
    }
  });
}

function targetOf(params: Record<string, unknown>, fallback: string): string {
  for (const key of ['component', 'failed_component', 'deployment'])
    if (typeof params[key] === 'string') return params[key] as string;
  if (Array.isArray(params.components)) return params.components.join(',');
  return fallback;
}

function describeError(error: unknown): string {
  if (error instanceof ActivityFailure && error.cause) return error.cause.message;
  return error instanceof Error ? error.message : String(error);
}
