// Classified retries for model calls. Pure: a failure and how many attempts a model has had go in, the
// next step comes out (retry the same model after a delay, move to the next model at once, or stop).

export type ModelErrorClass =
  | 'timeout' // our per-call timeout or HTTP 408
  | 'rate-limited' // 429
  | 'server-error' // 5xx
  | 'network' // connection refused/reset before an HTTP answer
  | 'not-found' // 404: the model is retired or unknown
  | 'auth' // 401/403: the key is wrong; no other model will do better
  | 'client-error' // other 4xx: this request is wrong for this model
  | 'malformed-json' // the answer is not JSON
  | 'schema-violation' // JSON that does not satisfy the response schema
  | 'empty-answer'; // no candidate text (safety block, max tokens)

const RETRYABLE: ReadonlySet<ModelErrorClass> = new Set([
  'timeout',
  'rate-limited',
  'server-error',
  'network',
  'malformed-json',
  'schema-violation',
  'empty-answer',
]);

export function isRetryable(errorClass: ModelErrorClass): boolean {
  return RETRYABLE.has(errorClass);
}

/** Failures that say something about the model's health (they feed its circuit breaker). */
export function countsAgainstBreaker(errorClass: ModelErrorClass): boolean {
  return RETRYABLE.has(errorClass);
}

export function classifyHttpStatus(status: number): ModelErrorClass {
  if (status === 408) return 'timeout';
  if (status === 429) return 'rate-limited';
  if (status === 404) return 'not-found';
  if (status === 401 || status === 403) return 'auth';
  if (status >= 500) return 'server-error';
  return 'client-error';
}

export interface RetryPolicy {
  /** Attempts per model, the first included (3). */
  attemptsPerModel: number;
  /** First backoff; doubles per attempt: 1 s, 2 s, 4 s … */
  backoffBaseMs: number;
  /** A Retry-After longer than this moves to the next model instead of waiting. */
  retryAfterCapMs: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = { attemptsPerModel: 3, backoffBaseMs: 1000, retryAfterCapMs: 10_000 };

/** Delay before attempt `attemptsMade + 1` of the same model: base · 2^(attemptsMade − 1). */
export function backoffDelayMs(attemptsMade: number, policy: RetryPolicy): number {
  return policy.backoffBaseMs * 2 ** Math.max(0, attemptsMade - 1);
}

/** The waits between one model's attempts when every attempt fails retryably (none after the last). */
export function backoffScheduleMs(policy: RetryPolicy): number[] {
  return Array.from({ length: Math.max(0, policy.attemptsPerModel - 1) }, (_, index) =>
    backoffDelayMs(index + 1, policy),
  );
}

export type NextStep = { kind: 'retry-same'; delayMs: number } | { kind: 'next-model' } | { kind: 'stop' };

export interface FailedAttempt {
  errorClass: ModelErrorClass;
  retryAfterMs?: number;
}

/**
 * What to do after a failed attempt. `attemptsMade` counts this model's attempts including the failed one.
 * `msLeft` is what remains of the chain deadline: a wait that would overrun it moves on instead.
 */
export function decideAfterFailure(
  failure: FailedAttempt,
  attemptsMade: number,
  policy: RetryPolicy,
  msLeft = Infinity,
): NextStep {
  if (failure.errorClass === 'auth') return { kind: 'stop' };
  if (!isRetryable(failure.errorClass)) return { kind: 'next-model' };
  if (attemptsMade >= policy.attemptsPerModel) return { kind: 'next-model' };
  let delayMs = backoffDelayMs(attemptsMade, policy);
  if (failure.retryAfterMs !== undefined) {
    if (failure.retryAfterMs > policy.retryAfterCapMs) return { kind: 'next-model' };
    delayMs = Math.max(delayMs, failure.retryAfterMs);
  }
  if (delayMs >= msLeft) return { kind: 'next-model' };
  return { kind: 'retry-same', delayMs };
}

/** Retry-After as seconds or an HTTP date; Google's RetryInfo as "7s" / "1.5s". Undefined when absent or unreadable. */
export function parseRetryAfterMs(value: string | null | undefined, nowMs: number): number | undefined {
  if (!value) return undefined;
  const trimmed = value.trim();
  const seconds = /^(\d+(?:\.\d+)?)s?$/.exec(trimmed);
  if (seconds) return Math.round(Number(seconds[1]) * 1000);
  const date = Date.parse(trimmed);
  return Number.isNaN(date) ? undefined : Math.max(0, date - nowMs);
}
