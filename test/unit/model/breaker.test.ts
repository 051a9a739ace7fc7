import {
  acquire,
  closedBreaker,
  effectiveState,
  record,
  type BreakerConfig,
  type ModelBreaker,
} from '../../../core/model/breaker';

const config: BreakerConfig = { failureThreshold: 3, coolDownMs: 1000 };
const fail = (b: ModelBreaker, at: number, counts = true) =>
  record(b, { ok: false, errorClass: 'server-error', counts }, at, config);

test('opens after the threshold of consecutive counted failures; a success in between resets', () => {
  let b = closedBreaker(0);
  b = fail(fail(b, 1), 2);
  b = record(b, { ok: true, counts: false }, 3, config);
  expect(b).toMatchObject({ state: 'closed', consecutiveFailures: 0 });
  b = fail(fail(fail(b, 4), 5), 6);
  expect(b).toMatchObject({ state: 'open', openedAtMs: 6, lastErrorClass: 'server-error' });
  expect(acquire(b, 500, config).allowed).toBe(false);
});

test('request-side failures (404, 4xx) do not trip the breaker', () => {
  let b = closedBreaker(0);
  for (let i = 0; i < 10; i += 1) b = fail(b, i, false);
  expect(b.state).toBe('closed');
});

test('half-open after the cool-down admits one probe; its result closes or re-opens', () => {
  let b = fail(fail(fail(closedBreaker(0), 0), 0), 0);
  expect(effectiveState(b, 999, config)).toBe('open');
  expect(effectiveState(b, 1000, config)).toBe('half-open');
  const probe = acquire(b, 1000, config);
  expect(probe).toMatchObject({ allowed: true, probe: true });
  b = probe.breaker;
  expect(acquire(b, 1001, config).allowed).toBe(false); // only one probe at a time
  expect(record(b, { ok: true, counts: false }, 1002, config)).toMatchObject({
    state: 'closed',
    consecutiveFailures: 0,
  });
  const reopened = fail(b, 1002);
  expect(reopened).toMatchObject({ state: 'open', openedAtMs: 1002 });
  // A probe that never reports frees its lease after another cool-down.
  expect(acquire(b, 2000, config)).toMatchObject({ allowed: true, probe: true });
});
