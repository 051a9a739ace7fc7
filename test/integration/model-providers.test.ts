// One gateway over Gemini, Claude and Grok on the real dev server: the real SDK clients (@google/genai,
// @anthropic-ai/sdk, openai) against the project's fakes of the three vendors' HTTP APIs.
import { budgetQuery, budgetWorkflowId, modelHealthQuery } from '../../core/contract';
import { utcDay } from '../../core/model/budget';
import { computeApiHealth } from '../../api/model/health-api';
import { loadConfig } from '../../runtime/config';
import { closeTestConnections } from '../support/temporal';
import { GOOD_ANSWER, rigsPerTest } from './model-support';

const rig = rigsPerTest();
afterAll(closeTestConnections);

const FAST = { attemptsPerModel: 4, timeoutAttemptsPerModel: 2, backoffBaseMs: 100, retryAfterCapMs: 2000 };
const CLAUDE = [{ id: 'claude-haiku-4-5-20251001' }, { id: 'claude-sonnet-4-6' }];
const GROK = [{ id: 'grok-4-fast-non-reasoning' }, { id: 'grok-4' }];
const healthOf = (r: Awaited<ReturnType<typeof rig>>) => ({
  client: r.client,
  dailyBudgetUsd: r.config.dailyBudgetUsd,
  healthWorkflowId: r.config.healthWorkflowId,
  budgetWorkflowPrefix: r.config.budgetWorkflowPrefix,
});

test('gemini (503) → claude (ok): three retries 100/200/400 ms on Gemini, then Claude answers', async () => {
  const r = await rig({
    fake: { models: [{ id: 'gemini-2.5-flash' }] },
    anthropic: { models: CLAUDE },
    config: { fallbackModels: ['gemini-2.5-flash', 'claude-haiku-4-5'], retry: FAST },
  });
  r.fake.script('gemini-2.5-flash', { kind: 'status', status: 503 });
  const result = await r.call();
  expect(result).toMatchObject({
    ok: true,
    value: GOOD_ANSWER,
    provider: 'anthropic',
    model: 'claude-haiku-4-5-20251001',
    attempts: 5,
  });
  expect(r.fake.generateCalls()).toHaveLength(4);
  const log = await r.log();
  expect(log.map((e) => [e.provider, e.model, e.errorClass ?? null, e.next, e.retryInMs ?? null])).toEqual([
    ['gemini', 'gemini-2.5-flash', 'server-error', 'retry', 100],
    ['gemini', 'gemini-2.5-flash', 'server-error', 'retry', 200],
    ['gemini', 'gemini-2.5-flash', 'server-error', 'retry', 400],
    ['gemini', 'gemini-2.5-flash', 'server-error', 'next-model', null],
    ['anthropic', 'claude-haiku-4-5-20251001', null, 'done', null],
  ]);
  // The forced tool call carried the answer's schema.
  expect(JSON.parse(r.anthropic!.generateCalls()[0].body).tools[0].input_schema.required).toEqual([
    'verdict',
    'confidence',
  ]);
});

test('claude (529 overloaded) → grok (ok); /health/api counts both providers from Temporal', async () => {
  const r = await rig({
    apiKey: null,
    anthropic: { models: CLAUDE },
    xai: { models: GROK },
    config: {
      fallbackModels: ['anthropic:claude-sonnet-4-6', 'xai:grok-4'],
      retry: { ...FAST, attemptsPerModel: 2 },
    },
  });
  r.anthropic!.script('claude-sonnet-4-6', { kind: 'status', status: 529, message: 'Overloaded' });
  expect(await r.call()).toMatchObject({ ok: true, provider: 'xai', model: 'grok-4' });
  expect((await r.log()).map((e) => [e.provider, e.errorClass ?? 'ok', e.httpStatus ?? null])).toEqual([
    ['anthropic', 'overloaded', 529],
    ['anthropic', 'overloaded', 529],
    ['xai', 'ok', null],
  ]);
  const { body } = await computeApiHealth(healthOf(r));
  expect(body.models['anthropic:claude-sonnet-4-6']).toMatchObject({
    calls: 2,
    failures: 2,
    lastErrorClass: 'overloaded',
  });
  expect(body.models['xai:grok-4']).toMatchObject({ provider: 'xai', model: 'grok-4', calls: 1, failures: 0 });
  expect(body.failureRate['1h']).toMatchObject({ calls: 3, failures: 2 });
  expect(body.chain.models).toEqual(['anthropic:claude-sonnet-4-6', 'xai:grok-4']);
});

test('a retired model answers 404 once; after discovery it is skipped without a call', async () => {
  const r = await rig({
    apiKey: null,
    anthropic: { models: CLAUDE },
    xai: { models: GROK },
    config: { providerOrder: ['anthropic', 'xai'] },
  });
  // Discovered chain: Claude first (HEALER_PROVIDERS order), the newest version (Sonnet 4.6) first.
  expect(await r.call()).toMatchObject({ ok: true, model: 'claude-sonnet-4-6' });
  r.anthropic!.setModels([{ id: 'claude-haiku-4-5-20251001' }, { id: 'claude-sonnet-4-6', lifecycle: 'retired' }]);
  expect(await r.call()).toMatchObject({ ok: true, model: 'claude-haiku-4-5-20251001' });
  expect(await r.call()).toMatchObject({ ok: true, model: 'claude-haiku-4-5-20251001' });
  expect(r.anthropic!.generateCalls('claude-sonnet-4-6').map((c) => c.status)).toEqual([200, 404]);
  const log = await r.log();
  expect(log.filter((e) => e.errorClass === 'not-found').map((e) => [e.model, e.next])).toEqual([
    ['claude-sonnet-4-6', 'next-model'],
  ]);
});

test('a rejected key opens its provider’s breaker, /health/api names the key, and its models are skipped', async () => {
  const r = await rig({
    apiKey: null,
    anthropic: { models: CLAUDE },
    anthropicKey: 'sk-ant-revoked',
    xai: { models: GROK },
    config: { fallbackModels: ['claude-haiku-4-5', 'claude-sonnet-4-6', 'grok-4'] },
  });
  expect(await r.call()).toMatchObject({ ok: true, provider: 'xai' });
  expect(await r.call()).toMatchObject({ ok: true, provider: 'xai' });
  // One rejected call; the second request never reached Anthropic.
  expect(r.anthropic!.generateCalls().map((c) => c.status)).toEqual([401]);
  const health = await r.client.workflow.getHandle(r.config.healthWorkflowId).query(modelHealthQuery);
  expect(health.models['anthropic:*']).toMatchObject({ state: 'open', lastErrorClass: 'auth' });
  const log = await r.log();
  expect(log.map((e) => [e.model, e.outcome, e.errorClass ?? null])).toEqual([
    ['claude-haiku-4-5', 'error', 'auth'],
    ['claude-sonnet-4-6', 'skipped', 'provider-failed'],
    ['grok-4', 'ok', null],
    ['claude-haiku-4-5', 'skipped', 'breaker-open'],
    ['claude-sonnet-4-6', 'skipped', 'provider-failed'],
    ['grok-4', 'ok', null],
  ]);
  const { statusCode, body } = await computeApiHealth(healthOf(r));
  expect(statusCode).toBe(503);
  expect(body.providers.anthropic).toMatchObject({
    keyVar: 'ANTHROPIC_API_KEY',
    status: 'key-rejected',
    breaker: 'open',
  });
  expect(body.providers.xai).toMatchObject({ keyVar: 'XAI_API_KEY', status: 'ok' });
  expect(body.reasons).toContain(
    'ANTHROPIC_API_KEY was rejected by anthropic: its models are skipped until the key is fixed',
  );
});

test("the seed's hyphenated HEALER_FALLBACK_MODELS resolves to a non-empty chain; the unlisted model is reported", async () => {
  const warnings: string[] = [];
  const env = {
    HEALER_STATE_DIR: '/tmp/healer-seed',
    GEMINI_API_KEY: 'test-key',
    HEALER_FALLBACK_MODELS: 'gemini-3-0-pro,gemini-2-0-flash,gemini-1-5-pro',
  };
  const gateway = loadConfig(env).modelGateway;
  const r = await rig({
    fake: { models: [{ id: 'gemini-3-pro-preview' }, { id: 'gemini-2.5-flash' }, { id: 'gemini-2.0-flash' }] },
    config: { fallbackModels: gateway.fallbackModels },
    warn: (message) => warnings.push(message),
  });
  expect(await r.call()).toMatchObject({ ok: true, model: 'gemini-3-pro-preview' });
  expect(warnings).toEqual(
    expect.arrayContaining([
      'evaluate: configured model gemini:gemini-1-5-pro is skipped: not listed',
      'evaluate: configured model gemini:gemini-3-0-pro resolves to gemini:gemini-3-pro-preview',
    ]),
  );
  const { body } = await computeApiHealth(healthOf(r));
  expect(body.chain).toMatchObject({
    models: ['gemini:gemini-3-pro-preview', 'gemini:gemini-2.0-flash'],
    missing: ['gemini:gemini-1-5-pro'],
    normalised: { 'gemini:gemini-3-0-pro': 'gemini:gemini-3-pro-preview' },
    source: 'override',
  });
  expect(body.warnings).toContain('configured model gemini:gemini-1-5-pro is skipped: not listed');
});

test('one daily budget across providers stops calls at the limit, whichever provider would spend it', async () => {
  // Output costs $0.001 a token and the cap is 10 tokens: every call reserves (and spends) $0.01.
  const price = { inputPerMTok: 0, outputPerMTok: 1000 };
  const r = await rig({
    fake: { models: [{ id: 'gemini-2.5-flash' }] },
    anthropic: { models: CLAUDE },
    xai: { models: GROK },
    config: {
      fallbackModels: ['gemini-2.5-flash'],
      roleModels: { evaluate: ['claude-haiku-4-5'], remediate: ['xai:grok-4'] },
      dailyBudgetUsd: 0.05,
      defaultMaxOutputTokens: 10,
      prices: { 'anthropic:*': price, 'xai:*': price },
    },
  });
  r.anthropic!.script('claude-haiku-4-5-20251001', { kind: 'ok', outputTokens: 10 });
  r.xai!.script('grok-4', { kind: 'ok', outputTokens: 10 });
  const results = await Promise.all(
    Array.from({ length: 10 }, (_, i) => r.call({ purpose: i % 2 ? 'remediate' : 'evaluate' })),
  );
  expect(results.filter((x) => x.ok)).toHaveLength(5);
  expect(results.filter((x) => !x.ok).map((x) => (x.ok ? '' : x.reason))).toEqual(Array(5).fill('budget'));
  expect(r.anthropic!.generateCalls().length + r.xai!.generateCalls().length).toBe(5);
  expect(r.fake.generateCalls()).toHaveLength(0);
  const ledger = await r.client.workflow
    .getHandle(budgetWorkflowId(utcDay(new Date()), r.config.budgetWorkflowPrefix))
    .query(budgetQuery);
  expect(ledger).toMatchObject({ spentUsd: 0.05, limitUsd: 0.05, denied: 5 });
  const { statusCode, body } = await computeApiHealth(healthOf(r));
  expect(statusCode).toBe(503);
  expect(body.budget).toMatchObject({ spentUsd: 0.05, exhausted: true, denied: 5 });
  const spentBy = (provider: string) =>
    Object.values(body.models)
      .filter((m) => m.provider === provider)
      .reduce((sum, m) => sum + m.costUsd, 0);
  expect(Math.round((spentBy('anthropic') + spentBy('xai')) * 1e6) / 1e6).toBe(0.05);
});
