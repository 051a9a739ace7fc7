// modelHealth: the circuit breakers of every model, in one entity workflow so all workers share them.
// acquireModel (update) asks "may I call this model now?"; recordModelOutcome (signal) reports the result.
// It also keeps the chain the LLM workers resolved and each past day's call statistics (recordModelDay,
// sent by a day's budget ledger as it closes), so reports outlive the ledgers' retention.
import { allHandlersFinished, condition, continueAsNew, setHandler } from '@temporalio/workflow';
import { acquire, closedBreaker, record, type ModelBreaker } from '../../core/model/breaker';
import {
  acquireModelUpdate,
  modelHealthQuery,
  recordModelDaySignal,
  recordModelOutcomeSignal,
  reportChainSignal,
  type ChainReport,
  type ModelDaySummary,
  type ModelHealthInput,
} from '../../core/contract';
import { entityRolloverDue } from '../rollover';

/** Days of statistics kept (a month and a margin for `healer models report --days 30`). */
export const MODEL_DAYS_KEPT = 35;

export async function modelHealth(input: ModelHealthInput): Promise<void> {
  const config = input.breaker;
  const breakers: Record<string, ModelBreaker> = { ...(input.breakers ?? {}) };
  let chain: ChainReport | undefined = input.chain;
  let days: Record<string, ModelDaySummary> = { ...(input.days ?? {}) };
  const now = (): number => new Date().getTime();
  const breakerOf = (model: string): ModelBreaker => breakers[model] ?? closedBreaker(now());

  setHandler(acquireModelUpdate, ({ model }) => {
    const decision = acquire(breakerOf(model), now(), config);
    breakers[model] = decision.breaker;
    return { allowed: decision.allowed, probe: decision.probe, state: decision.breaker.state };
  });
  setHandler(recordModelOutcomeSignal, (outcome) => {
    breakers[outcome.model] = record(breakerOf(outcome.model), outcome, now(), config);
  });
  setHandler(reportChainSignal, (report) => {
    chain = report;
  });
  setHandler(recordModelDaySignal, (summary) => {
    const next = { ...days, [summary.day]: summary };
    const kept = Object.keys(next).sort().slice(-MODEL_DAYS_KEPT);
    days = Object.fromEntries(kept.map((day) => [day, next[day]]));
  });
  setHandler(modelHealthQuery, () => ({ breaker: config, models: breakers, chain, days }));

  // Runs forever; rolls its history over when Temporal suggests it, carrying the breakers along.
  await condition(entityRolloverDue('model-health-bounded-history'));
  await condition(allHandlersFinished);
  await continueAsNew<typeof modelHealth>({ breaker: config, breakers, chain, days });
}
