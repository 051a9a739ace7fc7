// Classified retries for model calls. Pure: a failure and how many attempts a model has had go in, the
// next step comes out (retry the same model after a delay, move to the next model at once, or skip the
// rest of a provider whose key or quota is the problem).

export type ModelErrorClass =
  | 'timeout' // our per-call timeout or HTTP 408
  | 'rate-limited' // 429
  | 'overloaded' // Anthropic 529 overloaded_error: the vendor is short of capacity for everyone
  | 'server-error' // 5xx
  | 'network' // connection refused/reset before an HTTP answer
  | 'not-found' // 404: the model is retired or unknown
  | 'auth' // 401/403 (or a provider's "invalid key" 400): no model of this provider will do better
  | 'quota' // spend cap or billing refusal: as for auth, the provider is out until someone acts
  | 'client-error' // other 4xx: this request is wrong for this model
  | 'malformed-json' // the answer is not JSON
  | 'schema-violation' // JSON that does not satisfy the response schema
  | 'empty-answer' // no answer text (max tokens, nothing generated)
  | 'content-filtered'; // the vendor's safety filter refused the prompt or the answer

const RETRYABLE: ReadonlySet<ModelErrorClass> = new Set([
  'timeout',
  'rate-limited',
  'overloaded',
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

/** Failures that put a whole provider out (its key, its quota): its provider-wide breaker opens at once. */
export function failsProvider(errorClass: ModelErrorClass): boolean {
  return errorClass === 'auth' || errorClass === 'quota';
}

export function classifyHttpStatus(status: number): ModelErrorClass {
  if (status === 408) return 'timeout';
  if (status === 429) return 'rate-limited';
  if (status === 529) return 'overloaded';
  if (status === 404) return 'not-found';
  if (status === 401 || status === 403) return 'auth';
  if (status === 402) return 'quota';
  if (status >= 500) return 'server-error';
  return 'client-error';
}

export interface RetryPolicy {
  /** Attempts per model, the first included (4: three retries). */
  attemptsPerModel: number;
  /**
   * Attempts per model when it times out (2): four 30 s timeouts would spend the whole chain deadline on
   * one model and never reach the fallback.
   */
  timeoutAttemptsPerModel: number;
  /** First backoff; doubles per attempt: 1 s, 2 s, 4 s … */
  backoffBaseMs: number;
  /** A Retry-After longer than this moves to the next model instead of waiting. */
  retryAfterCapMs: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = {
  attemptsPerModel: 4,
  timeoutAttemptsPerModel: 2,
  backoffBaseMs: 1000,
  retryAfterCapMs: 10_000,
};

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

export type NextStep = { kind: 'retry-same'; delayMs: number } | { kind: 'next-model' } | { kind: 'next-provider' };

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
  if (failsProvider(failure.errorClass)) return { kind: 'next-provider' };
  if (!isRetryable(failure.errorClass)) return { kind: 'next-model' };
  const attempts = failure.errorClass === 'timeout' ? policy.timeoutAttemptsPerModel : policy.attemptsPerModel;
  if (attemptsMade >= Math.min(attempts, policy.attemptsPerModel)) return { kind: 'next-model' };
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
