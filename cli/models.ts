// `healer models list|test|report`: the model gateway as an operator sees it. Each command takes the
// configuration and an output writer and returns an exit code; statistics and breakers come from
// Temporal (the same figures every API pod and LLM worker reads), model lists from the providers.
import { Client, Connection } from '@temporalio/client';
import { createModelCatalog, createSharedState, effectiveConfig } from '../activities/model';
import type { CatalogReport, ModelRole } from '../activities/model/discovery';
import { MODEL_ROLES } from '../activities/model/discovery';
import { usableModels } from '../core/model/chain';
import { effectiveState } from '../core/model/breaker';
import type { ModelGatewayConfig } from '../core/model/gateway-config';
import { buildModelReport, type DayLine, type ModelReport } from '../core/model/report';
import { parseRefKey, PROVIDER_KEY_VARS, providerKey, refKey, type ProviderName } from '../core/model/providers';
import type { ChainView, ModelHealthView } from '../core/contract';
import { testModels, type TestCallResult } from '../activities/model/test-calls';
import { readDay, readLedger, readModelHealth, ledgerAsDay, reportDays } from '../api/model/gateway-state';
import type { HealerConfig } from '../runtime/config';
import type { CliIo } from './io';
import { formatTable } from './table';

export const MODELS_HELP = `Usage: healer models <list|test|report> [options]

  list [--json]                  the resolved chain per role: each model's provider, status and breaker
  test [--all] [--json]          one short structured call to every model of the chains (--all: every
                                 model the providers list); exit 1 when a provider with a key has no
                                 model that answered
  report [--days N] [--json]     per day and per provider/model: calls, failure rate, cost, cost burned
                                 on failed calls; whether "< 10% failures on each of N days" and
                                 "average spend < HEALER_DAILY_BUDGET_USD" hold (exit 1 when not)

Keys: GEMINI_API_KEY, ANTHROPIC_API_KEY, XAI_API_KEY, OPENAI_COMPATIBLE_BASE_URL (+ _API_KEY).`;

type Config = Pick<HealerConfig, 'temporal' | 'modelGateway'> & Partial<Pick<HealerConfig, 'gemini'>>;

/** The gateway settings with GEMINI_API_KEY/GEMINI_BASE_URL folded in from wherever loadConfig put them. */
function gatewayConfig(config: Config): ModelGatewayConfig {
  return effectiveConfig(config.modelGateway, config.gemini);
}

/** A Temporal client, or undefined (with a note on stderr) when the server does not answer. */
async function connect(config: Config, io: CliIo): Promise<{ client: Client; close(): Promise<void> } | undefined> {
  try {
    const connection = await Connection.connect({ address: config.temporal.address, connectTimeout: '5s' });
    return {
      client: new Client({ connection, namespace: config.temporal.namespace }),
      close: () => connection.close(),
    };
  } catch (error) {
    io.stderr.write(`Temporal at ${config.temporal.address} did not answer (${(error as Error).message})\n`);
    return undefined;
  }
}

const json = (io: CliIo, value: unknown): void => void io.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
const money = (usd: number): string => `$${usd.toFixed(usd < 0.01 ? 6 : 4)}`;
const percent = (rate: number): string => `${(rate * 100).toFixed(1)}%`;
const isoDay = (day: string): string => `${day.slice(0, 4)}-${day.slice(4, 6)}-${day.slice(6, 8)}`;

/** A breaker's state; `health` null when Temporal did not answer (unknown), undefined when no call made one yet. */
function breakerOf(health: ModelHealthView | null | undefined, key: string): string {
  if (health === null) return '?';
  const breaker = health?.models[key];
  return breaker && health ? effectiveState(breaker, Date.now(), health.breaker) : 'closed';
}

/** Rows of one role's chain: every model called, then those configured but not served. */
/** provider and model of a ref key; a chain reported before models were named by provider has bare ids. */
function refOf(key: string): { provider: string; model: string } {
  return key.includes(':') ? parseRefKey(key) : { provider: '?', model: key };
}

function chainRows(chain: ChainView, health: ModelHealthView | null | undefined): string[][] {
  const resolvedFrom = Object.fromEntries(Object.entries(chain.normalised ?? {}).map(([from, to]) => [to, from]));
  const rows = chain.chain.map((key, index) => {
    const { provider, model } = refOf(key);
    const wide = breakerOf(health, providerKey(provider as ProviderName));
    const status = resolvedFrom[key] ? `listed (for ${refOf(resolvedFrom[key]).model})` : 'listed';
    const breaker = wide !== 'closed' && wide !== '?' ? `${wide} (provider)` : breakerOf(health, key);
    return [String(index + 1), provider, model, status, breaker];
  });
  for (const key of chain.missing) {
    const { provider, model } = refOf(key);
    rows.push(['-', provider, model, `skipped: ${chain.missingReasons?.[key] ?? 'not listed'}`, '-']);
  }
  return rows;
}

export async function runModelsList(config: Config, io: CliIo, options: { json?: boolean } = {}): Promise<number> {
  const gateway = gatewayConfig(config);
  const catalog = createModelCatalog(gateway);
  const temporal = await connect(config, io);
  try {
    const health = temporal ? await readModelHealth({ client: temporal.client, ...gateway }) : null;
    let report: Pick<CatalogReport, 'providers'> & { roles: Record<ModelRole, ChainView> };
    let note = '';
    if (catalog) {
      report = await catalog.report();
    } else if (health?.chain) {
      report = {
        roles: { evaluate: health.chain, remediate: health.chain, ...health.chain.roles },
        providers: health.chain.providers ?? [],
      };
      note = `no provider key is set here; the chain the LLM workers reported at ${health.chain.reportedAt}:\n`;
    } else {
      io.stderr.write(
        `no model provider is configured (${Object.values(PROVIDER_KEY_VARS).join(', ')}): the rule-based evaluator answers\n`,
      );
      return 1;
    }
    if (options.json) {
      json(io, { roles: report.roles, providers: report.providers, breakers: health?.models ?? null });
    } else {
      const providers = report.providers.map(
        (p) =>
          `${p.name} (${p.keyVar}${p.baseUrl ? `, ${p.baseUrl}` : ''}; ${p.listError ? `listing failed: ${p.listError}` : `${p.listed ?? '?'} models listed`})`,
      );
      const lines = [`${note}providers: ${providers.join(', ')}`];
      for (const role of MODEL_ROLES) {
        const chain = report.roles[role];
        lines.push('', `${role} (${chain.source}):`);
        lines.push(formatTable(['#', 'PROVIDER', 'MODEL', 'STATUS', 'BREAKER'], chainRows(chain, health)));
      }
      if (health === null) lines.push('', 'breakers unknown: Temporal did not answer');
      io.stdout.write(`${lines.join('\n')}\n`);
    }
    return MODEL_ROLES.some((role) => report.roles[role].chain.length === 0) ? 1 : 0;
  } finally {
    await temporal?.close();
  }
}

function testRow(result: TestCallResult): string[] {
  return [
    result.provider,
    result.model,
    result.ok ? 'ok' : `FAIL ${result.errorClass ?? ''}`.trim(),
    result.httpStatus === undefined ? '-' : String(result.httpStatus),
    `${result.latencyMs} ms`,
    `${result.inputTokens}/${result.outputTokens}`,
    money(result.costUsd),
  ];
}

export async function runModelsTest(
  config: Config,
  io: CliIo,
  options: { all?: boolean; json?: boolean } = {},
): Promise<number> {
  const gateway = gatewayConfig(config);
  const catalog = createModelCatalog(gateway);
  if (!catalog) {
    io.stderr.write(`nothing to test: no model provider key is set (${Object.values(PROVIDER_KEY_VARS).join(', ')})\n`);
    return 1;
  }
  const report = await catalog.report();
  const refs = new Set(MODEL_ROLES.flatMap((role) => report.roles[role].chain));
  if (options.all) {
    for (const provider of report.providers) {
      const listed = (await catalog.models(provider.name as ProviderName)) ?? [];
      for (const model of usableModels(provider.name as ProviderName, listed))
        refs.add(refKey({ provider: provider.name as ProviderName, model: model.id }));
    }
  }
  const temporal = await connect(config, io);
  try {
    if (!temporal) io.stderr.write('test calls are made, but their cost is not booked on the daily budget\n');
    const state = temporal ? createSharedState(gateway, temporal.client) : undefined;
    const results = await testModels({ catalog, state, prices: gateway.prices, timeoutMs: gateway.callTimeoutMs }, [
      ...refs,
    ]);
    const failedProviders = report.providers
      .map((p) => p.name)
      .filter((name) => !results.some((r) => r.provider === name && r.ok));
    if (options.json) json(io, { results, failedProviders });
    else {
      const table = formatTable(
        ['PROVIDER', 'MODEL', 'RESULT', 'HTTP', 'LATENCY', 'TOKENS IN/OUT', 'COST'],
        results.map(testRow),
      );
      const total = results.reduce((sum, r) => sum + r.costUsd, 0);
      const verdict = failedProviders.length
        ? `no model answered for: ${failedProviders.map((name) => `${name} (check ${PROVIDER_KEY_VARS[name as ProviderName]})`).join(', ')}`
        : `every provider answered (${report.providers.map((p) => p.name).join(', ')})`;
      io.stdout.write(`${table}\n\n${results.length} test calls, ${money(total)}; ${verdict}\n`);
    }
    return failedProviders.length ? 1 : 0;
  } finally {
    await temporal?.close();
  }
}

function dayRows(line: DayLine, label: string): string[][] {
  const head = [
    label,
    'all',
    'all',
    String(line.calls),
    `${line.failures} (${percent(line.failureRate)})`,
    money(line.costUsd),
    money(line.failedCostUsd),
  ];
  if (!line.hasData) return [[label, '-', '-', '0', '-', money(line.spentUsd), '-']];
  const models = line.models.map((m) => [
    '',
    m.provider,
    m.model,
    String(m.calls),
    `${m.failures} (${percent(m.failureRate)})`,
    money(m.costUsd),
    money(m.failedCostUsd),
  ]);
  return [head, ...models];
}

function renderReport(report: ModelReport): string {
  const rows = report.days.flatMap((line) => dayRows(line, isoDay(line.day)));
  if (report.today) rows.push(...dayRows(report.today, `${isoDay(report.today.day)} (today, so far)`));
  const table = formatTable(['DAY', 'PROVIDER', 'MODEL', 'CALLS', 'FAILURES', 'COST', 'BURNED ON FAILURES'], rows);
  const mark = (holds: boolean): string => (holds ? 'holds  ' : 'FAILS  ');
  return [
    table,
    '',
    `${mark(report.targets.failureRate.holds)}${report.targets.failureRate.detail}`,
    `${mark(report.targets.spend.holds)}${report.targets.spend.detail}`,
  ].join('\n');
}

export async function runModelsReport(
  config: Config,
  io: CliIo,
  options: { days?: number; json?: boolean } = {},
): Promise<number> {
  const days = options.days ?? 3;
  if (!Number.isInteger(days) || days < 1 || days > 35) {
    io.stderr.write(`--days: expected a whole number from 1 to 35, got ${days}\n`);
    return 2;
  }
  const gateway = gatewayConfig(config);
  const temporal = await connect(config, io);
  if (!temporal) return 1;
  try {
    const source = { client: temporal.client, ...gateway };
    const health = await readModelHealth(source);
    const { past, today } = reportDays(new Date(), days);
    const pastDays = await Promise.all(past.map(async (day) => ({ day, input: await readDay(source, day, health) })));
    const ledger = await readLedger(source, today);
    const report = buildModelReport(
      pastDays,
      { failureRate: 0.1, dailySpendUsd: gateway.dailyBudgetUsd },
      { day: today, input: ledger ? ledgerAsDay(ledger) : undefined },
    );
    if (options.json) json(io, report);
    else io.stdout.write(`${renderReport(report)}\n`);
    return report.targets.failureRate.holds && report.targets.spend.holds ? 0 : 1;
  } finally {
    await temporal.close();
  }
}
