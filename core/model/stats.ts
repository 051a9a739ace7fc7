// Call statistics of the model gateway, kept in Temporal (the day's budget ledger, then the modelHealth
// entity) so every API pod, LLM worker and CLI reads the same figures. Pure: samples go in, counters
// per 10-minute bucket and model (ref key) come out, and windows and days are sums of those.
import { roundUsd } from './prices';

export interface CallCounters {
  /** Attempts that reached (or tried to reach) the vendor. */
  calls: number;
  failures: number;
  /** Times the model was passed over without a call (open breaker). */
  skipped: number;
  costUsd: number;
  /** Cost of attempts whose answer was not used (malformed, schema-violating, filtered…). */
  failedCostUsd: number;
  inputTokens: number;
  outputTokens: number;
  /** Sum of call latencies (mean = latencyMs / calls). */
  latencyMs: number;
  /** Failures by error class. */
  errors: Record<string, number>;
  lastErrorClass?: string;
  lastCallAt?: string;
}

/** One attempt (or skip), as the gateway reports it with the settlement of its reservation. */
export interface CallSample {
  /** Ref key, "provider:model". */
  model: string;
  outcome: 'ok' | 'error' | 'skipped';
  errorClass?: string;
  at: string; // ISO-8601
  latencyMs: number;
  inputTokens: number;
  outputTokens: number;
  costUsd: number;
}

/** Counters by bucket ("HHMM", the start of a 10-minute UTC bucket) and model. */
export type BucketStats = Record<string, Record<string, CallCounters>>;

export const BUCKET_MINUTES = 10;

export function emptyCounters(): CallCounters {
  return {
    calls: 0,
    failures: 0,
    skipped: 0,
    costUsd: 0,
    failedCostUsd: 0,
    inputTokens: 0,
    outputTokens: 0,
    latencyMs: 0,
    errors: {},
  };
}

export function bucketOf(iso: string): string {
  const hour = iso.slice(11, 13);
  const minute = Math.floor(Number(iso.slice(14, 16)) / BUCKET_MINUTES) * BUCKET_MINUTES;
  return `${hour}${String(minute).padStart(2, '0')}`;
}

/** Start of a bucket of a day (YYYYMMDD), in epoch ms. */
export function bucketStartMs(day: string, bucket: string): number {
  return Date.UTC(
    Number(day.slice(0, 4)),
    Number(day.slice(4, 6)) - 1,
    Number(day.slice(6, 8)),
    Number(bucket.slice(0, 2)),
    Number(bucket.slice(2, 4)),
  );
}

export function addSample(counters: CallCounters, sample: CallSample): CallCounters {
  if (sample.outcome === 'skipped') return { ...counters, skipped: counters.skipped + 1 };
  const failed = sample.outcome === 'error';
  const errorClass = sample.errorClass ?? 'unknown';
  return {
    calls: counters.calls + 1,
    failures: counters.failures + (failed ? 1 : 0),
    skipped: counters.skipped,
    costUsd: roundUsd(counters.costUsd + sample.costUsd),
    failedCostUsd: roundUsd(counters.failedCostUsd + (failed ? sample.costUsd : 0)),
    inputTokens: counters.inputTokens + sample.inputTokens,
    outputTokens: counters.outputTokens + sample.outputTokens,
    latencyMs: counters.latencyMs + Math.round(sample.latencyMs),
    errors: failed ? { ...counters.errors, [errorClass]: (counters.errors[errorClass] ?? 0) + 1 } : counters.errors,
    lastErrorClass: failed ? errorClass : counters.lastErrorClass,
    lastCallAt: sample.at,
  };
}

export function recordSample(stats: BucketStats, sample: CallSample): BucketStats {
  const bucket = bucketOf(sample.at);
  const models = stats[bucket] ?? {};
  return {
    ...stats,
    [bucket]: { ...models, [sample.model]: addSample(models[sample.model] ?? emptyCounters(), sample) },
  };
}

export function mergeCounters(a: CallCounters, b: CallCounters): CallCounters {
  const errors = { ...a.errors };
  for (const [errorClass, count] of Object.entries(b.errors)) errors[errorClass] = (errors[errorClass] ?? 0) + count;
  const later = (a.lastCallAt ?? '') >= (b.lastCallAt ?? '') ? a : b;
  return {
    calls: a.calls + b.calls,
    failures: a.failures + b.failures,
    skipped: a.skipped + b.skipped,
    costUsd: roundUsd(a.costUsd + b.costUsd),
    failedCostUsd: roundUsd(a.failedCostUsd + b.failedCostUsd),
    inputTokens: a.inputTokens + b.inputTokens,
    outputTokens: a.outputTokens + b.outputTokens,
    latencyMs: a.latencyMs + b.latencyMs,
    errors,
    lastErrorClass: later.lastErrorClass ?? a.lastErrorClass ?? b.lastErrorClass,
    lastCallAt: later.lastCallAt,
  };
}

export function mergeByModel(
  into: Record<string, CallCounters>,
  from: Record<string, CallCounters>,
): Record<string, CallCounters> {
  const merged = { ...into };
  for (const [model, counters] of Object.entries(from))
    merged[model] = merged[model] ? mergeCounters(merged[model], counters) : counters;
  return merged;
}

/** Totals per model of one day's buckets, optionally only buckets that end after `sinceMs`. */
export function totalsByModel(
  day: string,
  stats: BucketStats | undefined,
  sinceMs = -Infinity,
): Record<string, CallCounters> {
  let totals: Record<string, CallCounters> = {};
  for (const [bucket, models] of Object.entries(stats ?? {})) {
    if (bucketStartMs(day, bucket) + BUCKET_MINUTES * 60_000 <= sinceMs) continue;
    totals = mergeByModel(totals, models);
  }
  return totals;
}

export function sumCounters(byModel: Record<string, CallCounters>): CallCounters {
  return Object.values(byModel).reduce(mergeCounters, emptyCounters());
}

export function failureRate(counters: Pick<CallCounters, 'calls' | 'failures'>): number {
  return counters.calls ? Math.round((counters.failures / counters.calls) * 10_000) / 10_000 : 0;
}
