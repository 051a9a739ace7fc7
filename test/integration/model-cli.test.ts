// `healer models list|test|report` against the fakes of the three vendors and the suite's dev server.
import { budgetQuery, budgetWorkflowId } from '../../core/contract';
import { emptyLedger, utcDay } from '../../core/model/budget';
import { recordSample, type BucketStats } from '../../core/model/stats';
import { runModelsList, runModelsReport, runModelsTest } from '../../cli/models';
import { reportDays } from '../../api/model/gateway-state';
import { loadConfig, type HealerConfig } from '../../runtime/config';
import { captureIo } from '../support/cli-io';
import { closeTestConnections, eventually, testAddress } from '../support/temporal';
import { GOOD_ANSWER, rigsPerTest, type GatewayRig } from './model-support';

const rig = rigsPerTest();
afterAll(closeTestConnections);

const CLAUDE = [{ id: 'claude-haiku-4-5-20251001' }, { id: 'claude-sonnet-4-6' }];
const GROK = [{ id: 'grok-4' }];

/** The configuration a user would have: keys and base URLs of the three fakes, the rig's entity workflows. */
function configFor(r: GatewayRig, env: Record<string, string> = {}): HealerConfig {
  const config = loadConfig({
    HEALER_STATE_DIR: r.logDir,
    TEMPORAL_ADDRESS: testAddress(),
    GEMINI_API_KEY: 'test-key',
    GEMINI_BASE_URL: r.fake.url,
    ANTHROPIC_API_KEY: 'test-anthropic-key',
    ANTHROPIC_BASE_URL: r.anthropic!.url,
    XAI_API_KEY: 'test-xai-key',
    XAI_BASE_URL: r.xai!.baseUrl,
    ...env,
  });
  const { stateTaskQueue, healthWorkflowId, budgetWorkflowPrefix } = r.config;
  return {
    ...config,
    modelGateway: { ...config.modelGateway, stateTaskQueue, healthWorkflowId, budgetWorkflowPrefix },
  };
}

/** The three fakes, answering the test call's schema ({"ok": true}) as a model would. */
async function threeVendors(): Promise<GatewayRig> {
  const answer = { ok: true };
  return rig({
    fake: { models: [{ id: 'gemini-2.5-flash' }], defaultAnswer: answer },
    anthropic: { models: CLAUDE, defaultAnswer: answer },
    xai: { models: GROK, defaultAnswer: answer },
  });
}

test('`models test` calls every model of the three vendors once, with status, latency, tokens and cost', async () => {
  const r = await threeVendors();
  const io = captureIo();
  expect(await runModelsTest(configFor(r), io)).toBe(0);
  const out = io.out();
  for (const row of [
    /gemini\s+gemini-2\.5-flash\s+ok\s+200\s+\d+ ms\s+100\/20\s+\$0\.000080/,
    /anthropic\s+claude-sonnet-4-6\s+ok\s+200\s+\d+ ms\s+100\/20\s+\$0\.000600/,
    /anthropic\s+claude-haiku-4-5-20251001\s+ok\s+200\s+\d+ ms\s+100\/20\s+\$0\.000200/,
    /xai\s+grok-4\s+ok\s+200\s+\d+ ms\s+100\/20\s+\$0\.000600/,
  ])
    expect(out).toMatch(row);
  expect(out).toContain('4 test calls, $0.001480; every provider answered (gemini, anthropic, xai)');
  // One structured call per model, booked on the shared budget, not counted as traffic.
  expect(JSON.parse(r.xai!.generateCalls()[0].body).response_format.type).toBe('json_schema');
  const ledger = await r.client.workflow
    .getHandle(budgetWorkflowId(utcDay(new Date()), r.config.budgetWorkflowPrefix))
    .query(budgetQuery);
  expect(ledger).toMatchObject({ spentUsd: 0.00148, heldUsd: 0, stats: {} });
});

test('`models test` exits 1 and names the key when a provider with a key answers nothing', async () => {
  const r = await threeVendors();
  const io = captureIo();
  expect(await runModelsTest(configFor(r, { XAI_API_KEY: 'xai-revoked' }), io, { json: true })).toBe(1);
  const report = JSON.parse(io.out());
  expect(report.failedProviders).toEqual(['xai']);
  expect(report.results.find((x: { provider: string }) => x.provider === 'xai')).toMatchObject({
    ok: false,
    httpStatus: 400,
    errorClass: 'auth',
  });
  const text = captureIo();
  await runModelsTest(configFor(r, { XAI_API_KEY: 'xai-revoked' }), text);
  expect(text.out()).toContain('no model answered for: xai (check XAI_API_KEY)');
});

test('`models list` shows each role’s chain with providers, normalised and skipped models, and breakers', async () => {
  const r = await threeVendors();
  const io = captureIo();
  const config = configFor(r, {
    HEALER_FALLBACK_MODELS: 'gemini-2-5-flash,gemini-1-5-pro,claude-haiku-4-5',
    HEALER_REMEDIATION_MODELS: 'grok-4',
  });
  expect(await runModelsList(config, io)).toBe(0);
  const out = io.out();
  expect(out).toMatch(/providers: gemini \(GEMINI_API_KEY, http:\/\/127\.0\.0\.1:\d+; 1 models listed\)/);
  expect(out).toMatch(/evaluate \(override\):/);
  expect(out).toMatch(/1\s+gemini\s+gemini-2\.5-flash\s+listed \(for gemini-2-5-flash\)\s+closed/);
  expect(out).toMatch(/2\s+anthropic\s+claude-haiku-4-5-20251001\s+listed \(for claude-haiku-4-5\)\s+closed/);
  expect(out).toMatch(/-\s+gemini\s+gemini-1-5-pro\s+skipped: not listed/);
  expect(out).toMatch(/remediate \(override\):\n#.*\n1\s+xai\s+grok-4\s+listed\s+closed/);
});

test('`models report` judges the last complete days from Temporal and shows today so far', async () => {
  const r = await threeVendors();
  r.fake.script('gemini-2.5-flash', { kind: 'ok', answer: GOOD_ANSWER });
  expect(await r.call()).toMatchObject({ ok: true }); // today: one call through the gateway (modelHealth now runs)
  const { past } = reportDays(new Date(), 3);
  for (const [index, day] of past.entries()) {
    let stats: BucketStats = {};
    for (let call = 0; call < 20; call += 1)
      stats = recordSample(stats, {
        model: index === 1 ? 'anthropic:claude-haiku-4-5-20251001' : 'xai:grok-4',
        outcome: call === 0 ? 'error' : 'ok',
        ...(call === 0 ? { errorClass: 'overloaded' } : {}),
        at: `${day.slice(0, 4)}-${day.slice(4, 6)}-${day.slice(6, 8)}T12:${String(call).padStart(2, '0')}:00Z`,
        latencyMs: 100,
        inputTokens: 1000,
        outputTokens: 100,
        costUsd: 0.01,
      });
    // A past day's ledger closes at once and hands its statistics to modelHealth, except yesterday's in the
    // hour of grace after midnight (UTC), when it is still open: the report reads that one from the ledger.
    const ledger = await r.client.workflow.start('budget', {
      taskQueue: r.taskQueue,
      workflowId: budgetWorkflowId(day, r.config.budgetWorkflowPrefix),
      args: [
        {
          day,
          limitUsd: 1,
          ledger: { ...emptyLedger(day, 1), spentUsd: 0.2, calls: 20, stats },
          healthWorkflowId: r.config.healthWorkflowId,
        },
      ],
    });
    // Open or closed, it answers once its first task has run.
    await eventually(
      () =>
        ledger.query(budgetQuery).then(
          () => true,
          () => false,
        ),
      (answered) => answered,
    );
  }
  const io = captureIo();
  expect(await runModelsReport(configFor(r), io, { days: 3 })).toBe(0);
  const out = io.out();
  const iso = (day: string) => `${day.slice(0, 4)}-${day.slice(4, 6)}-${day.slice(6, 8)}`;
  expect(out).toMatch(
    new RegExp(`${iso(past[0])}\\s+all\\s+all\\s+20\\s+1 \\(5\\.0%\\)\\s+\\$0\\.2000\\s+\\$0\\.0100`),
  );
  expect(out).toMatch(/\s+anthropic\s+claude-haiku-4-5-20251001\s+20\s+1 \(5\.0%\)/);
  expect(out).toMatch(/\(today, so far\)\s+all\s+all\s+1\s+0 \(0\.0%\)/);
  expect(out).toContain('holds  failure rate < 10.0% on each of 3 consecutive days (worst 5.0%)');
  expect(out).toContain('holds  average spend $0.2000/day over 3 days (target < $1.00/day)');

  const json = captureIo();
  expect(await runModelsReport(configFor(r, { HEALER_DAILY_BUDGET_USD: '0.1' }), json, { days: 3, json: true })).toBe(
    1,
  );
  expect(JSON.parse(json.out()).targets.spend.holds).toBe(false);
  expect(await runModelsReport(configFor(r), captureIo(), { days: 0 })).toBe(2);
});
