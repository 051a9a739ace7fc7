import {
  backoffScheduleMs,
  classifyHttpStatus,
  decideAfterFailure,
  DEFAULT_RETRY_POLICY,
  parseRetryAfterMs,
} from '../../../core/model/retry';

const policy = DEFAULT_RETRY_POLICY;

test('HTTP statuses are classified', () => {
  expect([408, 429, 529, 402, 500, 503, 404, 401, 403, 400, 422].map(classifyHttpStatus)).toEqual([
    'timeout',
    'rate-limited',
    'overloaded',
    'quota',
    'server-error',
    'server-error',
    'not-found',
    'auth',
    'auth',
    'client-error',
    'client-error',
  ]);
});

test('the default schedule: three retries after the first attempt, waiting 1 s, 2 s and 4 s, none after the last', () => {
  expect(backoffScheduleMs(policy)).toEqual([1000, 2000, 4000]);
  expect(decideAfterFailure({ errorClass: 'server-error' }, 1, policy)).toEqual({ kind: 'retry-same', delayMs: 1000 });
  expect(decideAfterFailure({ errorClass: 'overloaded' }, 2, policy)).toEqual({ kind: 'retry-same', delayMs: 2000 });
  expect(decideAfterFailure({ errorClass: 'rate-limited' }, 3, policy)).toEqual({ kind: 'retry-same', delayMs: 4000 });
  expect(decideAfterFailure({ errorClass: 'server-error' }, 4, policy)).toEqual({ kind: 'next-model' });
  // A model that timed out twice hands over: four 30 s timeouts would spend the chain deadline on it.
  expect(decideAfterFailure({ errorClass: 'timeout' }, 1, policy)).toEqual({ kind: 'retry-same', delayMs: 1000 });
  expect(decideAfterFailure({ errorClass: 'timeout' }, 2, policy)).toEqual({ kind: 'next-model' });
});

test('only retryable classes are retried; 404, other 4xx and filtered answers move on; a bad key or quota skips the provider', () => {
  for (const errorClass of [
    'timeout',
    'rate-limited',
    'overloaded',
    'server-error',
    'network',
    'malformed-json',
    'schema-violation',
    'empty-answer',
  ] as const) {
    expect(decideAfterFailure({ errorClass }, 1, policy).kind).toBe('retry-same');
  }
  expect(decideAfterFailure({ errorClass: 'not-found' }, 1, policy)).toEqual({ kind: 'next-model' });
  expect(decideAfterFailure({ errorClass: 'client-error' }, 1, policy)).toEqual({ kind: 'next-model' });
  expect(decideAfterFailure({ errorClass: 'content-filtered' }, 1, policy)).toEqual({ kind: 'next-model' });
  expect(decideAfterFailure({ errorClass: 'auth' }, 1, policy)).toEqual({ kind: 'next-provider' });
  expect(decideAfterFailure({ errorClass: 'quota' }, 1, policy)).toEqual({ kind: 'next-provider' });
});

test('Retry-After is honoured within its cap, and a wait past the chain deadline moves on', () => {
  expect(decideAfterFailure({ errorClass: 'rate-limited', retryAfterMs: 7000 }, 1, policy)).toEqual({
    kind: 'retry-same',
    delayMs: 7000,
  });
  expect(decideAfterFailure({ errorClass: 'rate-limited', retryAfterMs: 200 }, 1, policy)).toEqual({
    kind: 'retry-same',
    delayMs: 1000,
  });
  expect(decideAfterFailure({ errorClass: 'rate-limited', retryAfterMs: 60_000 }, 1, policy)).toEqual({
    kind: 'next-model',
  });
  expect(decideAfterFailure({ errorClass: 'server-error' }, 1, policy, 500)).toEqual({ kind: 'next-model' });
});

test('Retry-After parses seconds, RetryInfo durations and HTTP dates', () => {
  const now = Date.parse('2026-01-01T00:00:00Z');
  expect(parseRetryAfterMs('3', now)).toBe(3000);
  expect(parseRetryAfterMs('1.5s', now)).toBe(1500);
  expect(parseRetryAfterMs('Thu, 01 Jan 2026 00:00:05 GMT', now)).toBe(5000);
  expect(parseRetryAfterMs('soon', now)).toBeUndefined();
  expect(parseRetryAfterMs(null, now)).toBeUndefined();
});
