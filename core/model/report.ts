// The gateway's multi-day report (`healer models report`): per day and per provider/model, calls,
// failure rate, cost and the cost burned on failed calls, and whether the two targets hold: a failure
// rate under 10% on each of N consecutive days, and an average spend under the daily budget. Pure:
// day summaries go in.
import { parseRefKey } from './providers';
import { failureRate, sumCounters, type CallCounters } from './stats';
import { roundUsd } from './prices';

export interface DayInput {
  day: string; // YYYYMMDD
  /** Spend booked by the day's ledger (test calls included). */
  spentUsd: number;
  limitUsd: number;
  denied: number;
  models: Record<string, CallCounters>;
}

export interface ModelLine {
  provider: string;
  model: string;
  calls: number;
  failures: number;
  failureRate: number;
  costUsd: number;
  failedCostUsd: number;
  errors: Record<string, number>;
}

export interface DayLine {
  day: string;
  /** False when nothing is known of the day (no calls, or its ledger is gone). */
  hasData: boolean;
  calls: number;
  failures: number;
  failureRate: number;
  costUsd: number;
  failedCostUsd: number;
  spentUsd: number;
  denied: number;
  models: ModelLine[];
}

export interface TargetVerdict {
  holds: boolean;
  detail: string;
}

export interface ModelReport {
  days: DayLine[];
  /** The day in progress, not judged. */
  today?: DayLine;
  targets: { failureRate: TargetVerdict; spend: TargetVerdict };
}

export interface ReportTargets {
  /** 0.10 */
  failureRate: number;
  /** Average daily spend to stay under (HEALER_DAILY_BUDGET_USD). */
  dailySpendUsd: number;
}

const percent = (rate: number): string => `${(rate * 100).toFixed(1)}%`;

export function dayLine(day: string, input: DayInput | undefined): DayLine {
  const models = Object.entries(input?.models ?? {})
    .map(([ref, counters]): ModelLine => {
      const { provider, model } = parseRefKey(ref);
      return {
        provider,
        model,
        calls: counters.calls,
        failures: counters.failures,
        failureRate: failureRate(counters),
        costUsd: counters.costUsd,
        failedCostUsd: counters.failedCostUsd,
        errors: counters.errors,
      };
    })
    .filter((line) => line.calls > 0)
    .sort((a, b) => a.provider.localeCompare(b.provider) || b.calls - a.calls);
  const total = sumCounters(input?.models ?? {});
  return {
    day,
    hasData: total.calls > 0,
    calls: total.calls,
    failures: total.failures,
    failureRate: failureRate(total),
    costUsd: total.costUsd,
    failedCostUsd: total.failedCostUsd,
    spentUsd: input?.spentUsd ?? total.costUsd,
    denied: input?.denied ?? 0,
    models,
  };
}

/**
 * `days` are the judged days, oldest first (complete UTC days); a day without calls does not prove the
 * failure-rate target, so it fails it ("no calls on …").
 */
export function buildModelReport(
  days: Array<{ day: string; input?: DayInput }>,
  targets: ReportTargets,
  today?: { day: string; input?: DayInput },
): ModelReport {
  const lines = days.map(({ day, input }) => dayLine(day, input));
  const silent = lines.filter((line) => !line.hasData).map((line) => line.day);
  const breaching = lines.filter((line) => line.hasData && line.failureRate >= targets.failureRate);
  const failureVerdict: TargetVerdict =
    lines.length === 0
      ? { holds: false, detail: 'no days to judge' }
      : breaching.length
        ? {
            holds: false,
            detail: `failure rate ≥ ${percent(targets.failureRate)} on ${breaching.map((l) => `${l.day} (${percent(l.failureRate)})`).join(', ')}`,
          }
        : silent.length
          ? { holds: false, detail: `no calls on ${silent.join(', ')}: the target is not shown` }
          : {
              holds: true,
              detail: `failure rate < ${percent(targets.failureRate)} on each of ${lines.length} consecutive days (worst ${percent(Math.max(...lines.map((l) => l.failureRate)))})`,
            };
  const averageUsd = lines.length ? roundUsd(lines.reduce((sum, l) => sum + l.spentUsd, 0) / lines.length) : 0;
  const spendVerdict: TargetVerdict = {
    holds: lines.length > 0 && averageUsd < targets.dailySpendUsd,
    detail: `average spend $${averageUsd.toFixed(4)}/day over ${lines.length} days (target < $${targets.dailySpendUsd.toFixed(2)}/day)`,
  };
  return {
    days: lines,
    ...(today ? { today: dayLine(today.day, today.input) } : {}),
    targets: { failureRate: failureVerdict, spend: spendVerdict },
  };
}
