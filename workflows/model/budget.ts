// budget: the day's model spend, in one entity workflow per UTC day (id healer-budget-YYYYMMDD) so every
// worker draws on the same ledger. reserveBudget (update) holds an estimate before a call and refuses
// when the day's limit would be passed; settleBudget (signal) books the real cost after the call, with the
// call's statistics. When the day closes, its statistics go to modelHealth, which keeps a month of days.
import {
  allHandlersFinished,
  condition,
  continueAsNew,
  getExternalWorkflowHandle,
  log,
  patched,
  setHandler,
} from '@temporalio/workflow';
import { emptyLedger, heldUsd, reserve, settle, type BudgetLedger } from '../../core/model/budget';
import { roundUsd } from '../../core/model/prices';
import { totalsByModel } from '../../core/model/stats';
import { entityRolloverDue } from '../rollover';
import {
  budgetQuery,
  recordModelDaySignal,
  reserveBudgetUpdate,
  settleBudgetSignal,
  type BudgetInput,
  type BudgetView,
} from '../../core/contract';

/** The ledger stays open this long after its day ends, for late settlements. */
const GRACE_MS = 60 * 60 * 1000;

export async function budget(input: BudgetInput): Promise<BudgetView> {
  let ledger: BudgetLedger = input.ledger ?? emptyLedger(input.day, input.limitUsd);
  const view = (): BudgetView => ({
    day: ledger.day,
    limitUsd: ledger.limitUsd,
    spentUsd: ledger.spentUsd,
    heldUsd: heldUsd(ledger),
    remainingUsd: roundUsd(Math.max(0, ledger.limitUsd - ledger.spentUsd - heldUsd(ledger))),
    calls: ledger.calls,
    denied: ledger.denied,
    stats: ledger.stats ?? {},
  });

  setHandler(reserveBudgetUpdate, (request) => {
    const next = reserve(ledger, request);
    ledger = next.ledger;
    return next.result;
  });
  setHandler(settleBudgetSignal, (request) => {
    ledger = settle(ledger, request);
  });
  setHandler(budgetQuery, view);

  const dayEndMs = Date.UTC(
    Number(input.day.slice(0, 4)),
    Number(input.day.slice(4, 6)) - 1,
    Number(input.day.slice(6, 8)) + 1,
  );
  const closeInMs = Math.max(0, dayEndMs + GRACE_MS - new Date().getTime());
  const rollover = await condition(entityRolloverDue('budget-bounded-history'), closeInMs);
  await condition(allHandlersFinished);
  if (rollover)
    await continueAsNew<typeof budget>({
      day: input.day,
      limitUsd: ledger.limitUsd,
      ledger,
      healthWorkflowId: input.healthWorkflowId,
    });
  if (input.healthWorkflowId && patched('budget-day-to-model-health'))
    await handDayToModelHealth(input.healthWorkflowId, ledger);
  return view();
}

async function handDayToModelHealth(healthWorkflowId: string, ledger: BudgetLedger): Promise<void> {
  try {
    await getExternalWorkflowHandle(healthWorkflowId).signal(recordModelDaySignal, {
      day: ledger.day,
      limitUsd: ledger.limitUsd,
      spentUsd: ledger.spentUsd,
      denied: ledger.denied,
      models: totalsByModel(ledger.day, ledger.stats),
    });
  } catch (error) {
    // modelHealth not running (no model call ever reached it): the day stays readable in this result.
    log.warn('could not hand the day to modelHealth', { day: ledger.day, error: String(error) });
  }
}
