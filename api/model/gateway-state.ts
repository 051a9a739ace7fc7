// Reads of the model gateway's shared state in Temporal, for /health/api and `healer models`: the
// modelHealth entity (breakers, the chain the LLM workers resolved, past days' statistics) and each
// day's budget ledger (spend and 10-minute call statistics). Every API pod and CLI reads the same.
import type { Client } from '@temporalio/client';
import { utcDay } from '../../core/model/budget';
import type { DayInput } from '../../core/model/report';
import { totalsByModel } from '../../core/model/stats';
import {
  budgetQuery,
  budgetWorkflowId,
  MODEL_HEALTH_WORKFLOW_ID,
  modelHealthQuery,
  type BudgetView,
  type ModelHealthView,
} from '../../core/contract';

export interface GatewayStateSource {
  client: Client;
  healthWorkflowId?: string;
  budgetWorkflowPrefix?: string;
}

const DAY_MS = 86_400_000;

async function orUndefined<T>(run: () => Promise<T>): Promise<T | undefined> {
  try {
    return await run();
  } catch {
    return undefined; // not started yet (no call that day), gone past retention, or Temporal unreachable
  }
}

export function readModelHealth(source: GatewayStateSource): Promise<ModelHealthView | undefined> {
  return orUndefined(() =>
    source.client.workflow.getHandle(source.healthWorkflowId ?? MODEL_HEALTH_WORKFLOW_ID).query(modelHealthQuery),
  );
}

/** A day's ledger: queried while open, its result once closed. */
export function readLedger(source: GatewayStateSource, day: string): Promise<BudgetView | undefined> {
  return orUndefined(async () => {
    const handle = source.client.workflow.getHandle(budgetWorkflowId(day, source.budgetWorkflowPrefix));
    const { status } = await handle.describe();
    return status.name === 'RUNNING' ? handle.query(budgetQuery) : ((await handle.result()) as BudgetView);
  });
}

export function ledgerAsDay(ledger: BudgetView): DayInput {
  return {
    day: ledger.day,
    spentUsd: ledger.spentUsd,
    limitUsd: ledger.limitUsd,
    denied: ledger.denied,
    models: totalsByModel(ledger.day, ledger.stats),
  };
}

/** The UTC days before `now`, oldest first (`count` of them), and today. */
export function reportDays(now: Date, count: number): { past: string[]; today: string } {
  const past = Array.from({ length: count }, (_, index) => utcDay(new Date(now.getTime() - (count - index) * DAY_MS)));
  return { past, today: utcDay(now) };
}

/** One day's statistics: from modelHealth once handed over, else from the day's ledger. */
export async function readDay(
  source: GatewayStateSource,
  day: string,
  health: ModelHealthView | undefined,
): Promise<DayInput | undefined> {
  const kept = health?.days?.[day];
  if (kept) return kept;
  const ledger = await readLedger(source, day);
  return ledger ? ledgerAsDay(ledger) : undefined;
}
