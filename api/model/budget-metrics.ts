// The budget gauges on the API's /metrics: today's spend from the shared ledger (the budget entity
// workflow every LLM worker books into), so every API pod reports the same figure. Read when scraped,
// at most every 10 s, within a 2 s deadline (a scrape never waits on a slow Temporal).
import { utcDay } from '../../core/model/budget';
import type { HealerMetrics } from '../../runtime/metrics';
import { readLedger, type GatewayStateSource } from './gateway-state';

const REFRESH_MS = 10_000;
const DEADLINE_MS = 2_000;

export function budgetGauges(
  source: GatewayStateSource,
  dailyBudgetUsd: number,
  metrics: HealerMetrics,
  now: () => Date = () => new Date(),
): () => Promise<void> {
  let readAt = -Infinity;
  metrics.modelBudgetUsd.set(dailyBudgetUsd);
  return async () => {
    const at = now();
    if (at.getTime() - readAt < REFRESH_MS) return;
    readAt = at.getTime();
    const timedOut = Symbol('timed out');
    const timeout = new Promise<typeof timedOut>((resolve) => setTimeout(() => resolve(timedOut), DEADLINE_MS).unref());
    const ledger = await Promise.race([readLedger(source, utcDay(at)), timeout]);
    // A read past the deadline leaves the last figure; no ledger yet today means nothing was spent.
    if (ledger !== timedOut) metrics.modelBudgetSpentUsd.set(ledger?.spentUsd ?? 0);
  };
}
