// modelHealth: the circuit breakers of every model, in one entity workflow so all workers share them.
// acquireModel (update) asks "may I call this model now?"; recordModelOutcome (signal) reports the result.
import { allHandlersFinished, condition, continueAsNew, setHandler, workflowInfo } from '@temporalio/workflow';
import { acquire, closedBreaker, record, type ModelBreaker } from '../../core/model/breaker';
import {
  acquireModelUpdate,
  modelHealthQuery,
  recordModelOutcomeSignal,
  reportChainSignal,
  type ChainReport,
  type ModelHealthInput,
} from '../../core/contract';

export async function modelHealth(input: ModelHealthInput): Promise<void> {
  const config = input.breaker;
  const breakers: Record<string, ModelBreaker> = { ...(input.breakers ?? {}) };
  let chain: ChainReport | undefined = input.chain;
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
  setHandler(modelHealthQuery, () => ({ breaker: config, models: breakers, chain }));

  // Runs forever; rolls its history over when Temporal suggests it, carrying the breakers along.
  await condition(() => workflowInfo().continueAsNewSuggested);
  await condition(allHandlersFinished);
  await continueAsNew<typeof modelHealth>({ breaker: config, breakers, chain });
}
