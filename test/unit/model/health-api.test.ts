import { modelStats, providerHealth, windowStats } from '../../../api/model/health-api';
import { recordSample, totalsByModel, type BucketStats, type CallSample } from '../../../core/model/stats';
import { buildModelReport } from '../../../core/model/report';

const sample = (
  at: string,
  model: string,
  outcome: CallSample['outcome'],
  errorClass?: string,
  costUsd = 0.001,
): CallSample => ({
  model,
  outcome,
  ...(errorClass ? { errorClass } : {}),
  at,
  latencyMs: 5,
  inputTokens: 10,
  outputTokens: 2,
  costUsd,
});

let stats: BucketStats = {};
for (const s of [
  sample('2026-01-01T10:00:00Z', 'gemini:a', 'error', 'server-error'), // outside the last hour
  sample('2026-01-01T11:30:00Z', 'gemini:a', 'error', 'timeout'),
  sample('2026-01-01T11:31:00Z', 'anthropic:b', 'ok'),
  sample('2026-01-01T11:32:00Z', 'gemini:a', 'skipped'),
])
  stats = recordSample(stats, s);
const now = Date.parse('2026-01-01T12:00:00Z');

test('statistics in 10-minute buckets: windows count attempts only (skips are not calls), a breach needs a sample', () => {
  expect(Object.keys(stats).sort()).toEqual(['1000', '1130']);
  expect(windowStats(totalsByModel('20260101', stats, now - 3_600_000), 0.1, 1)).toEqual({
    calls: 2,
    failures: 1,
    failureRate: 0.5,
    target: 0.1,
    breached: true,
  });
  expect(windowStats(totalsByModel('20260101', stats), 0.1, 1)).toMatchObject({
    calls: 3,
    failures: 2,
    failureRate: 0.6667,
  });
  expect(windowStats(totalsByModel('20260101', stats, now - 3_600_000), 0.1, 5).breached).toBe(false);
  expect(windowStats({}, 0.1, 0)).toMatchObject({ calls: 0, failureRate: 0, breached: false });
});

test('per-model figures by ref key, breakers read at the reader’s clock, a provider’s open breaker names its key', () => {
  const health = {
    breaker: { failureThreshold: 2, coolDownMs: 60_000 },
    models: {
      'gemini:a': {
        state: 'open' as const,
        consecutiveFailures: 2,
        openedAtMs: now - 120_000,
        changedAtMs: now - 120_000,
      },
      'anthropic:*': {
        state: 'open' as const,
        consecutiveFailures: 1,
        openedAtMs: now - 1000,
        changedAtMs: now - 1000,
        lastErrorClass: 'auth',
      },
    },
    chain: {
      chain: ['gemini:a', 'anthropic:b'],
      missing: [],
      source: 'discovered' as const,
      reportedAt: '2026-01-01T09:00:00Z',
      providers: [
        { name: 'gemini', keyVar: 'GEMINI_API_KEY', listed: 3 },
        { name: 'anthropic', keyVar: 'ANTHROPIC_API_KEY', listError: 'auth (HTTP 401)' },
      ],
    },
  };
  const models = modelStats(totalsByModel('20260101', stats), health, now);
  expect(models['gemini:a']).toMatchObject({
    provider: 'gemini',
    model: 'a',
    calls: 2,
    failures: 2,
    skipped: 1,
    breaker: 'half-open',
  });
  expect(models['anthropic:b']).toMatchObject({ calls: 1, failures: 0, breaker: 'closed', costUsd: 0.001 });
  expect(providerHealth(health, now)).toEqual({
    gemini: { keyVar: 'GEMINI_API_KEY', status: 'ok', breaker: 'closed', listed: 3 },
    anthropic: { keyVar: 'ANTHROPIC_API_KEY', status: 'key-rejected', breaker: 'open', listError: 'auth (HTTP 401)' },
  });
});

test('the report judges each complete day: < 10% failures on every one, and average spend under the budget', () => {
  const day = (d: string, calls: number, failures: number, spentUsd: number) => ({
    day: d,
    input: {
      day: d,
      spentUsd,
      limitUsd: 1,
      denied: 0,
      models: {
        'xai:grok-4': {
          calls,
          failures,
          skipped: 0,
          costUsd: spentUsd,
          failedCostUsd: failures * 0.001,
          inputTokens: 0,
          outputTokens: 0,
          latencyMs: 0,
          errors: (failures ? { 'server-error': failures } : {}) as Record<string, number>,
        },
      },
    },
  });
  const good = buildModelReport(
    [day('20260101', 100, 5, 0.4), day('20260102', 50, 4, 0.6), day('20260103', 80, 0, 0.2)],
    {
      failureRate: 0.1,
      dailySpendUsd: 1,
    },
  );
  expect(good.targets.failureRate).toEqual({
    holds: true,
    detail: 'failure rate < 10.0% on each of 3 consecutive days (worst 8.0%)',
  });
  expect(good.targets.spend).toEqual({
    holds: true,
    detail: 'average spend $0.4000/day over 3 days (target < $1.00/day)',
  });
  expect(good.days[0].models[0]).toMatchObject({
    provider: 'xai',
    model: 'grok-4',
    failureRate: 0.05,
    failedCostUsd: 0.005,
  });

  const bad = buildModelReport([day('20260101', 10, 1, 2), { day: '20260102' }, day('20260103', 10, 0, 1.5)], {
    failureRate: 0.1,
    dailySpendUsd: 1,
  });
  expect(bad.targets.failureRate).toMatchObject({ holds: false, detail: 'failure rate ≥ 10.0% on 20260101 (10.0%)' });
  expect(bad.targets.spend.holds).toBe(false);
  expect(bad.days[1]).toMatchObject({ hasData: false, calls: 0 });
});
