// budget: the day's model spend, in one entity workflow per UTC day (id healer-budget-YYYYMMDD) so every
// worker draws on the same ledger. reserveBudget (update) holds an estimate before a call and refuses
// when the day's limit would be passed; settleBudget (signal) books the real cost after the call.
import { allHandlersFinished, condition, continueAsNew, setHandler, workflowInfo } from '@temporalio/workflow';
import { emptyLedger, heldUsd, reserve, settle, type BudgetLedger } from '../../core/model/budget';
import { roundUsd } from '../../core/model/prices';
import {
  budgetQuery,
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
  const rollover = await condition(() => workflowInfo().continueAsNewSuggested, closeInMs);
  await condition(allHandlersFinished);
  if (rollover) await continueAsNew<typeof budget>({ day: input.day, limitUsd: ledger.limitUsd, ledger });
  return view();
}
