import { modelStats, windowStats } from '../../../api/model/health-api';
import type { CallLogEntry } from '../../../activities/model/call-log';

const at = (
  iso: string,
  model: string,
  outcome: CallLogEntry['outcome'],
  errorClass?: CallLogEntry['errorClass'],
): CallLogEntry => ({
  time: iso,
  model,
  attempt: 1,
  activityAttempt: 1,
  purpose: 'evaluate',
  correlationId: 'c',
  latencyMs: 5,
  inputTokens: 1,
  outputTokens: 1,
  costUsd: 0,
  outcome,
  errorClass,
  next: outcome === 'ok' ? 'done' : 'next-model',
});

const entries = [
  at('2026-01-01T10:00:00Z', 'a', 'error', 'server-error'), // outside the last hour
  at('2026-01-01T11:30:00Z', 'a', 'error', 'timeout'),
  at('2026-01-01T11:31:00Z', 'b', 'ok'),
  at('2026-01-01T11:32:00Z', 'a', 'skipped', 'breaker-open'),
];
const now = Date.parse('2026-01-01T12:00:00Z');

test('window failure rates count attempts only (skips are not calls) and need a minimum sample to breach', () => {
  expect(windowStats(entries, now - 3_600_000, 0.1, 1)).toEqual({
    calls: 2,
    failures: 1,
    failureRate: 0.5,
    target: 0.1,
    breached: true,
  });
  expect(windowStats(entries, now - 86_400_000, 0.1, 1)).toEqual({
    calls: 3,
    failures: 2,
    failureRate: 0.6667,
    target: 0.1,
    breached: true,
  });
  expect(windowStats(entries, now - 3_600_000, 0.1, 5).breached).toBe(false);
  expect(windowStats([], now, 0.1, 0)).toMatchObject({ calls: 0, failureRate: 0, breached: false });
});

test('per-model figures with breaker state read at the reader’s clock', () => {
  const health = {
    breaker: { failureThreshold: 2, coolDownMs: 60_000 },
    models: {
      a: { state: 'open' as const, consecutiveFailures: 2, openedAtMs: now - 120_000, changedAtMs: now - 120_000 },
    },
  };
  expect(modelStats(entries, health, now)).toEqual({
    a: {
      calls: 2,
      failures: 2,
      skipped: 1,
      lastErrorClass: 'timeout',
      lastCallAt: '2026-01-01T11:30:00Z',
      breaker: 'half-open',
    },
    b: { calls: 1, failures: 0, skipped: 0, lastCallAt: '2026-01-01T11:31:00Z', breaker: 'closed' },
  });
});
