// Breakers and the budget live in Temporal entity workflows, shared by every worker: two rigs here are
// two gateway "processes" (separate activity instances, caches and task queues) on one dev server.
import { budgetQuery, budgetWorkflowId, modelHealthQuery } from '../../core/contract';
import { emptyLedger, utcDay } from '../../core/model/budget';
import { recordSample } from '../../core/model/stats';
import { DEFAULT_BREAKER_CONFIG, effectiveState } from '../../core/model/breaker';
import { rm } from 'node:fs/promises';
import Fastify from 'fastify';
import { computeApiHealth, healthApiRoutes } from '../../api/model/health-api';
import { closeTestConnections, eventually, testClient, uniqueId, uniqueTaskQueue } from '../support/temporal';
import { rigsPerTest } from './model-support';

const rig = rigsPerTest();
afterAll(closeTestConnections);

const MODELS = [{ id: 'gemini-2.5-pro' }, { id: 'gemini-2.5-flash' }];
const ONE_ATTEMPT = { attemptsPerModel: 1, timeoutAttemptsPerModel: 1, backoffBaseMs: 100, retryAfterCapMs: 1000 };

test('the breaker opens after repeated failures (seen by another worker), then half-opens for one probe', async () => {
  const config = {
    fallbackModels: ['gemini-2.5-pro', 'gemini-2.5-flash'],
    retry: ONE_ATTEMPT,
    breaker: { failureThreshold: 2, coolDownMs: 2000 },
  };
  const first = await rig({ fake: { models: MODELS }, config });
  const second = await rig({ shareStateWith: first, config });
  first.fake.script('gemini-2.5-pro', { kind: 'status', status: 503 });
  const health = first.client.workflow.getHandle(first.config.healthWorkflowId);

  await first.call();
  await first.call(); // second consecutive failure: open
  expect((await health.query(modelHealthQuery)).models['gemini:gemini-2.5-pro']).toMatchObject({
    state: 'open',
    consecutiveFailures: 2,
    lastErrorClass: 'server-error',
  });

  // The other worker skips the primary without calling it.
  const proCalls = first.fake.generateCalls('gemini-2.5-pro').length;
  expect(await second.call()).toMatchObject({ ok: true, model: 'gemini-2.5-flash', attempts: 1 });
  expect(first.fake.generateCalls('gemini-2.5-pro')).toHaveLength(proCalls);
  expect((await second.log()).filter((e) => e.outcome === 'skipped').map((e) => [e.model, e.errorClass])).toEqual([
    ['gemini-2.5-pro', 'breaker-open'],
  ]);

  // After the cool-down one probe goes through; it fails, so the breaker opens again.
  await eventually(
    () => health.query(modelHealthQuery),
    (view) => effectiveState(view.models['gemini:gemini-2.5-pro'], Date.now(), view.breaker) === 'half-open',
    10_000,
  );
  await second.call();
  expect(first.fake.generateCalls('gemini-2.5-pro')).toHaveLength(proCalls + 1);
  expect((await health.query(modelHealthQuery)).models['gemini:gemini-2.5-pro'].state).toBe('open');

  // Next cool-down, the model has recovered: the probe succeeds and the breaker closes.
  first.fake.script('gemini-2.5-pro', { kind: 'ok' });
  await eventually(
    () => health.query(modelHealthQuery),
    (view) => effectiveState(view.models['gemini:gemini-2.5-pro'], Date.now(), view.breaker) === 'half-open',
    10_000,
  );
  expect(await first.call()).toMatchObject({ ok: true, model: 'gemini-2.5-pro' });
  expect((await health.query(modelHealthQuery)).models['gemini:gemini-2.5-pro']).toMatchObject({
    state: 'closed',
    consecutiveFailures: 0,
  });
});

test('two workers drawing on one daily budget never overspend it', async () => {
  // Output costs $0.001 a token and the cap is 10 tokens, so every call reserves (and spends) $0.01.
  const config = {
    fallbackModels: ['gemini-2.5-flash'],
    dailyBudgetUsd: 0.05,
    defaultMaxOutputTokens: 10,
    prices: { 'gemini-2.5-flash': { inputPerMTok: 0, outputPerMTok: 1000 } },
  };
  const first = await rig({ fake: { models: MODELS }, config });
  const second = await rig({ shareStateWith: first, config });
  first.fake.script('gemini-2.5-flash', { kind: 'ok', outputTokens: 10 });

  const results = await Promise.all(Array.from({ length: 12 }, (_, index) => (index % 2 ? second : first).call()));
  const ok = results.filter((r) => r.ok);
  expect(ok).toHaveLength(5);
  expect(results.filter((r) => !r.ok).map((r) => (r.ok ? '' : r.reason))).toEqual(Array(7).fill('budget'));
  expect(first.fake.generateCalls()).toHaveLength(5);

  const ledger = await first.client.workflow
    .getHandle(budgetWorkflowId(utcDay(new Date()), first.config.budgetWorkflowPrefix))
    .query(budgetQuery);
  expect(ledger).toMatchObject({ spentUsd: 0.05, heldUsd: 0, limitUsd: 0.05, calls: 5, denied: 7 });

  // Reported by /health/api as a breach.
  const { statusCode, body } = await computeApiHealth({
    client: first.client,
    dailyBudgetUsd: 0.05,
    healthWorkflowId: first.config.healthWorkflowId,
    budgetWorkflowPrefix: first.config.budgetWorkflowPrefix,
  });
  expect(statusCode).toBe(503);
  expect(body.budget).toMatchObject({ spentUsd: 0.05, exhausted: true });
  expect(body.reasons.join(' ')).toContain('budget');
});

test('/health/api figures (from Temporal, not a local file) match the call log', async () => {
  const config = { fallbackModels: ['gemini-2.5-pro', 'gemini-2.5-flash'], retry: ONE_ATTEMPT };
  const r = await rig({ fake: { models: MODELS }, config });
  r.fake.script(
    'gemini-2.5-pro',
    { kind: 'status', status: 500 },
    { kind: 'ok' },
    { kind: 'text', text: 'nope' },
    { kind: 'ok' },
  );
  for (let i = 0; i < 4; i += 1) expect(await r.call()).toMatchObject({ ok: true });

  const log = await r.log();
  const attempts = log.filter((e) => e.outcome !== 'skipped');
  const failures = attempts.filter((e) => e.outcome === 'error');
  expect([attempts.length, failures.length]).toEqual([6, 2]); // pro: 500, ok, nope, ok; flash: ok twice
  await rm(r.logDir, { recursive: true, force: true }); // the figures do not come from the log file

  const deps = {
    client: r.client,
    dailyBudgetUsd: 1,
    healthWorkflowId: r.config.healthWorkflowId,
    budgetWorkflowPrefix: r.config.budgetWorkflowPrefix,
  };
  const { statusCode, body } = await computeApiHealth(deps);
  expect(body.failureRate['1h']).toEqual({ calls: 6, failures: 2, failureRate: 0.3333, target: 0.1, breached: true });
  expect(body.failureRate['24h']).toMatchObject({ calls: 6, failures: 2 });
  expect(body.models['gemini:gemini-2.5-pro']).toMatchObject({
    provider: 'gemini',
    model: 'gemini-2.5-pro',
    calls: 4,
    failures: 2,
    lastErrorClass: 'malformed-json',
    breaker: 'closed',
  });
  expect(body.models['gemini:gemini-2.5-flash']).toMatchObject({ calls: 2, failures: 0, breaker: 'closed' });
  expect(body.chain).toMatchObject({
    models: ['gemini:gemini-2.5-pro', 'gemini:gemini-2.5-flash'],
    missing: [],
    source: 'override',
  });
  expect(body.providers.gemini).toMatchObject({ keyVar: 'GEMINI_API_KEY', status: 'ok', listed: 2 });
  const spent = Math.round(log.reduce((sum, e) => sum + e.costUsd, 0) * 1e6) / 1e6;
  expect(body.budget).toMatchObject({ spentUsd: spent, limitUsd: 1, exhausted: false });
  expect(statusCode).toBe(503);
  expect(body.reasons[0]).toMatch(/failure rate over 1 h is 33\.3% \(target < 10\.0%\)/);

  // Healthy again once failures are a small share (with a laxer target here), served by the route.
  const app = Fastify();
  await healthApiRoutes(app, { ...deps, targetFailureRate: 0.5 });
  const url = await app.listen({ host: '127.0.0.1', port: 0 });
  const reply = await fetch(`${url}/health/api`);
  expect(reply.status).toBe(200);
  expect(await reply.json()).toMatchObject({
    status: 'healthy',
    reasons: [],
    failureRate: { '1h': { calls: 6, failures: 2, target: 0.5 } },
  });
  await app.close();
});

test("a day's budget ledger closes after its day and reports its totals", async () => {
  const r = await rig({ fake: { models: MODELS } });
  const view = await r.client.workflow.execute('budget', {
    taskQueue: r.taskQueue,
    workflowId: `${r.config.budgetWorkflowPrefix}20200101`,
    args: [{ day: '20200101', limitUsd: 2 }],
  });
  expect(view).toEqual({
    day: '20200101',
    limitUsd: 2,
    spentUsd: 0,
    heldUsd: 0,
    remainingUsd: 2,
    calls: 0,
    denied: 0,
    stats: {},
  });
});

test('a closed day hands its statistics to modelHealth, which keeps them past the ledger', async () => {
  const r = await rig({ fake: { models: MODELS } });
  await r.call(); // modelHealth exists once a worker has reported its chain
  const health = r.client.workflow.getHandle(r.config.healthWorkflowId);
  await eventually(
    () => health.query(modelHealthQuery),
    (view) => view.chain !== undefined,
  );
  let stats = {};
  for (const [at, outcome] of [
    ['2020-01-01T10:01:00Z', 'ok'],
    ['2020-01-01T10:02:00Z', 'error'],
    ['2020-01-01T23:55:00Z', 'ok'],
  ] as const)
    stats = recordSample(stats, {
      model: 'xai:grok-4',
      outcome,
      ...(outcome === 'error' ? { errorClass: 'server-error' } : {}),
      at,
      latencyMs: 10,
      inputTokens: 100,
      outputTokens: 10,
      costUsd: 0.002,
    });
  const ledger = { ...emptyLedger('20200101', 1), spentUsd: 0.006, calls: 3, stats };
  // A past day's ledger closes at once (its day and grace are over) and hands the day over.
  await r.client.workflow.execute('budget', {
    taskQueue: r.taskQueue,
    workflowId: `${r.config.budgetWorkflowPrefix}20200101`,
    args: [{ day: '20200101', limitUsd: 1, ledger, healthWorkflowId: r.config.healthWorkflowId }],
  });
  const view = await eventually(
    () => health.query(modelHealthQuery),
    (v) => v.days?.['20200101'] !== undefined,
  );
  expect(view.days?.['20200101']).toMatchObject({
    day: '20200101',
    spentUsd: 0.006,
    models: {
      'xai:grok-4': { calls: 3, failures: 1, costUsd: 0.006, failedCostUsd: 0.002, errors: { 'server-error': 1 } },
    },
  });
});

test('a breaker read nobody answers does not hold the call: the last read stands', async () => {
  // The breakers' entity runs on a queue no worker polls, as when the worker caching it was just killed:
  // a query there waits about half a minute before it fails.
  const client = await testClient();
  const healthWorkflowId = uniqueId('model-health-unserved');
  await client.workflow.start('modelHealth', {
    workflowId: healthWorkflowId,
    taskQueue: uniqueTaskQueue('nobody'),
    args: [{ breaker: DEFAULT_BREAKER_CONFIG }],
  });
  try {
    const gateway = await rig({ config: { healthWorkflowId } });
    const startedMs = Date.now();
    expect(await gateway.call()).toMatchObject({ ok: true, attempts: 1 });
    // Well under the query's own wait for a poller: the read gave up at its deadline.
    expect(Date.now() - startedMs).toBeLessThan(15_000);
  } finally {
    await client.workflow.getHandle(healthWorkflowId).terminate('test over');
  }
});
