// GET /health/api: the model gateway's health, from Temporal only (so every API pod agrees): the
// modelHealth entity workflow (breakers, the chain the LLM workers resolved) and today's and
// yesterday's budget ledgers (spend, call statistics in 10-minute buckets). 200 when healthy; 503
// with the reasons when the failure rate over 1 h or 24 h is above target, the day's budget is used
// up or refused calls, a provider's key is rejected, or no model is left to call.
import type { FastifyInstance } from 'fastify';
import { utcDay } from '../../core/model/budget';
import { effectiveState } from '../../core/model/breaker';
import { parseRefKey, PROVIDER_KEY_VARS, providerKey, providerNamed } from '../../core/model/providers';
import { failureRate, mergeByModel, sumCounters, totalsByModel, type CallCounters } from '../../core/model/stats';
import type { BudgetView, ChainReport, ModelHealthView } from '../../core/contract';
import { readLedger, readModelHealth, type GatewayStateSource } from './gateway-state';

export interface HealthApiDeps extends GatewayStateSource {
  dailyBudgetUsd: number;
  /** Failure-rate target (0.10). */
  targetFailureRate?: number;
  /** Fewer calls than this in a window cannot breach the target (one failed call is not an outage). */
  minCallsForBreach?: number;
  now?: () => Date;
}

export interface WindowStats {
  calls: number;
  failures: number;
  failureRate: number;
  target: number;
  breached: boolean;
}

export interface ModelStats {
  provider: string;
  model: string;
  calls: number;
  failures: number;
  skipped: number;
  costUsd: number;
  lastErrorClass?: string;
  lastCallAt?: string;
  breaker: string;
}

export interface ProviderHealth {
  /** The environment variable of its key. */
  keyVar: string;
  /** ok, key-rejected, quota-exhausted (provider-wide breaker open), or listing-failed. */
  status: 'ok' | 'key-rejected' | 'quota-exhausted' | 'listing-failed';
  breaker: string;
  baseUrl?: string;
  listed?: number;
  listError?: string;
}

export interface ApiHealthBody {
  status: 'healthy' | 'unhealthy';
  reasons: string[];
  /** What needs a look but does not make the gateway unhealthy (configured models not served…). */
  warnings: string[];
  failureRate: { '1h': WindowStats; '24h': WindowStats };
  providers: Record<string, ProviderHealth>;
  /** By ref key ("provider:model"), over the last 24 h. */
  models: Record<string, ModelStats>;
  chain: {
    models: string[];
    missing: string[];
    missingReasons?: Record<string, string>;
    normalised?: Record<string, string>;
    source?: string;
    roles?: ChainReport['roles'];
    reportedAt?: string;
  };
  budget: Omit<BudgetView, 'stats'> & { exhausted: boolean };
  generatedAt: string;
}

const HOUR_MS = 3_600_000;

export function windowStats(byModel: Record<string, CallCounters>, target: number, minCalls: number): WindowStats {
  const total = sumCounters(byModel);
  const rate = failureRate(total);
  return {
    calls: total.calls,
    failures: total.failures,
    failureRate: rate,
    target,
    breached: total.calls >= minCalls && rate > target,
  };
}

function breakerState(health: ModelHealthView | undefined, key: string, nowMs: number): string {
  const breaker = health?.models[key];
  return breaker && health ? effectiveState(breaker, nowMs, health.breaker) : 'closed';
}

export function modelStats(
  byModel: Record<string, CallCounters>,
  health: ModelHealthView | undefined,
  nowMs: number,
): Record<string, ModelStats> {
  const models: Record<string, ModelStats> = {};
  const keys = new Set([
    ...Object.keys(byModel),
    ...(health?.chain?.chain ?? []),
    ...Object.keys(health?.models ?? {}).filter((key) => !key.endsWith(':*')),
  ]);
  for (const key of keys) {
    let ref: { provider: string; model: string };
    try {
      ref = parseRefKey(key);
    } catch {
      continue; // a breaker kept from before models were named by provider
    }
    const counters = byModel[key];
    models[key] = {
      ...ref,
      calls: counters?.calls ?? 0,
      failures: counters?.failures ?? 0,
      skipped: counters?.skipped ?? 0,
      costUsd: counters?.costUsd ?? 0,
      ...(counters?.lastErrorClass ? { lastErrorClass: counters.lastErrorClass } : {}),
      ...(counters?.lastCallAt ? { lastCallAt: counters.lastCallAt } : {}),
      breaker: breakerState(health, key, nowMs),
    };
  }
  return models;
}

/** Each provider the LLM workers reported, with its provider-wide breaker read as the key's health. */
export function providerHealth(health: ModelHealthView | undefined, nowMs: number): Record<string, ProviderHealth> {
  const providers: Record<string, ProviderHealth> = {};
  for (const reported of health?.chain?.providers ?? []) {
    const name = providerNamed(reported.name);
    if (!name) continue;
    const wide = health?.models[providerKey(name)];
    const breaker = breakerState(health, providerKey(name), nowMs);
    const status: ProviderHealth['status'] =
      breaker !== 'closed'
        ? wide?.lastErrorClass === 'quota'
          ? 'quota-exhausted'
          : 'key-rejected'
        : reported.listError
          ? 'listing-failed'
          : 'ok';
    providers[name] = {
      keyVar: PROVIDER_KEY_VARS[name],
      status,
      breaker,
      ...(reported.baseUrl ? { baseUrl: reported.baseUrl } : {}),
      ...(reported.listed !== undefined ? { listed: reported.listed } : {}),
      ...(reported.listError ? { listError: reported.listError } : {}),
    };
  }
  return providers;
}

export async function computeApiHealth(deps: HealthApiDeps): Promise<{ statusCode: 200 | 503; body: ApiHealthBody }> {
  const now = deps.now?.() ?? new Date();
  const nowMs = now.getTime();
  const target = deps.targetFailureRate ?? 0.1;
  const minCalls = deps.minCallsForBreach ?? 5;
  const day = utcDay(now);
  const yesterday = utcDay(new Date(nowMs - 24 * HOUR_MS));
  const [health, ledger, previous] = await Promise.all([
    readModelHealth(deps),
    readLedger(deps, day),
    readLedger(deps, yesterday),
  ]);
  const since = (ms: number): Record<string, CallCounters> =>
    mergeByModel(totalsByModel(yesterday, previous?.stats, nowMs - ms), totalsByModel(day, ledger?.stats, nowMs - ms));
  const lastHour = windowStats(since(HOUR_MS), target, minCalls);
  const lastDay = windowStats(since(24 * HOUR_MS), target, minCalls);

  const budget: BudgetView = ledger ?? {
    day,
    limitUsd: deps.dailyBudgetUsd,
    spentUsd: 0,
    heldUsd: 0,
    remainingUsd: deps.dailyBudgetUsd,
    calls: 0,
    denied: 0,
  };
  const exhausted = budget.spentUsd >= budget.limitUsd;
  const providers = providerHealth(health, nowMs);
  const chain = health?.chain;

  const percent = (rate: number): string => `${(rate * 100).toFixed(1)}%`;
  const reasons: string[] = [];
  if (lastHour.breached)
    reasons.push(`failure rate over 1 h is ${percent(lastHour.failureRate)} (target < ${percent(target)})`);
  if (lastDay.breached)
    reasons.push(`failure rate over 24 h is ${percent(lastDay.failureRate)} (target < ${percent(target)})`);
  if (exhausted || budget.denied > 0)
    reasons.push(
      `daily budget ${exhausted ? 'exhausted' : 'refusing calls'}: $${budget.spentUsd.toFixed(4)} of $${budget.limitUsd.toFixed(2)} spent${budget.denied ? `; ${budget.denied} calls refused today` : ''}`,
    );
  for (const [name, provider] of Object.entries(providers)) {
    if (provider.status === 'key-rejected')
      reasons.push(`${provider.keyVar} was rejected by ${name}: its models are skipped until the key is fixed`);
    if (provider.status === 'quota-exhausted')
      reasons.push(`${name} refuses calls for billing or quota (${provider.keyVar}'s account): its models are skipped`);
  }
  if (chain && chain.chain.length === 0) reasons.push('no model to call: every request gets the rule-based evaluator');

  const warnings: string[] = [];
  for (const ref of chain?.missing ?? [])
    warnings.push(`configured model ${ref} is skipped: ${chain?.missingReasons?.[ref] ?? 'not listed'}`);
  if (chain?.source === 'discovered-after-unmatched-override')
    warnings.push('no configured model is served: the discovered chain is used instead');
  for (const [name, provider] of Object.entries(providers))
    if (provider.status === 'listing-failed') warnings.push(`${name}: listing models failed (${provider.listError})`);

  const { stats: _stats, ...budgetFigures } = budget;
  const body: ApiHealthBody = {
    status: reasons.length ? 'unhealthy' : 'healthy',
    reasons,
    warnings,
    failureRate: { '1h': lastHour, '24h': lastDay },
    providers,
    models: modelStats(since(24 * HOUR_MS), health, nowMs),
    chain: {
      models: chain?.chain ?? [],
      missing: chain?.missing ?? [],
      ...(chain?.missingReasons ? { missingReasons: chain.missingReasons } : {}),
      ...(chain?.normalised ? { normalised: chain.normalised } : {}),
      ...(chain?.source ? { source: chain.source } : {}),
      ...(chain?.roles ? { roles: chain.roles } : {}),
      ...(chain?.reportedAt ? { reportedAt: chain.reportedAt } : {}),
    },
    budget: { ...budgetFigures, exhausted },
    generatedAt: now.toISOString(),
  };
  return { statusCode: reasons.length ? 503 : 200, body };
}

/** Fastify plugin: app.register(healthApiRoutes, deps) or await healthApiRoutes(app, deps). */
export async function healthApiRoutes(app: FastifyInstance, deps: HealthApiDeps): Promise<void> {
  app.get('/health/api', async (_request, reply) => {
    const { statusCode, body } = await computeApiHealth(deps);
    return reply.code(statusCode).send(body);
  });
}
