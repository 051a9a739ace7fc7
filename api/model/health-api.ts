// GET /health/api: the model gateway's health, computed from the call log (every attempt), the modelHealth
// entity workflow (breakers, current chain) and today's budget ledger. 200 when healthy; 503 with the
// reasons when the failure rate over 1 h or 24 h is above target or the day's budget is used up.
import type { Client } from '@temporalio/client';
import type { FastifyInstance } from 'fastify';
import { utcDay } from '../../core/model/budget';
import { effectiveState } from '../../core/model/breaker';
import { readCallLog, type CallLogEntry } from '../../activities/model/call-log';
import {
  budgetQuery,
  budgetWorkflowId,
  MODEL_HEALTH_WORKFLOW_ID,
  modelHealthQuery,
  type BudgetView,
  type ModelHealthView,
} from '../../core/contract';

export interface HealthApiDeps {
  client: Client;
  /** HEALER_LOG_PATH (shared with the llm workers). */
  logDir: string;
  dailyBudgetUsd: number;
  /** Failure-rate target (0.10). */
  targetFailureRate?: number;
  /** Fewer calls than this in a window cannot breach the target (one failed call is not an outage). */
  minCallsForBreach?: number;
  healthWorkflowId?: string;
  budgetWorkflowPrefix?: string;
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
  calls: number;
  failures: number;
  skipped: number;
  lastErrorClass?: string;
  lastCallAt?: string;
  breaker: string;
}

export interface ApiHealthBody {
  status: 'healthy' | 'unhealthy';
  reasons: string[];
  failureRate: { '1h': WindowStats; '24h': WindowStats };
  models: Record<string, ModelStats>;
  chain: { models: string[]; missing: string[]; source?: string; reportedAt?: string };
  budget: BudgetView & { exhausted: boolean };
  generatedAt: string;
}

const HOUR_MS = 3_600_000;

export function windowStats(entries: CallLogEntry[], sinceMs: number, target: number, minCalls: number): WindowStats {
  const attempts = entries.filter((e) => e.outcome !== 'skipped' && Date.parse(e.time) >= sinceMs);
  const failures = attempts.filter((e) => e.outcome === 'error').length;
  const failureRate = attempts.length ? Math.round((failures / attempts.length) * 10_000) / 10_000 : 0;
  return {
    calls: attempts.length,
    failures,
    failureRate,
    target,
    breached: attempts.length >= minCalls && failureRate > target,
  };
}

export function modelStats(
  entries: CallLogEntry[],
  health: ModelHealthView | undefined,
  nowMs: number,
): Record<string, ModelStats> {
  const models: Record<string, ModelStats> = {};
  const of = (model: string): ModelStats =>
    (models[model] ??= { calls: 0, failures: 0, skipped: 0, breaker: breakerState(health, model, nowMs) });
  for (const entry of entries) {
    const stats = of(entry.model);
    if (entry.outcome === 'skipped') {
      stats.skipped += 1;
      continue;
    }
    stats.calls += 1;
    stats.lastCallAt = entry.time;
    if (entry.outcome === 'error') {
      stats.failures += 1;
      stats.lastErrorClass = entry.errorClass;
    }
  }
  for (const model of Object.keys(health?.models ?? {})) of(model);
  return models;
}

function breakerState(health: ModelHealthView | undefined, model: string, nowMs: number): string {
  const breaker = health?.models[model];
  return breaker && health ? effectiveState(breaker, nowMs, health.breaker) : 'closed';
}

async function queryOrUndefined<T>(run: () => Promise<T>): Promise<T | undefined> {
  try {
    return await run();
  } catch {
    return undefined; // not started yet (no call today) or Temporal unreachable: reported as defaults
  }
}

export async function computeApiHealth(deps: HealthApiDeps): Promise<{ statusCode: 200 | 503; body: ApiHealthBody }> {
  const now = deps.now?.() ?? new Date();
  const target = deps.targetFailureRate ?? 0.1;
  const minCalls = deps.minCallsForBreach ?? 5;
  const day = utcDay(now);
  const yesterday = new Date(now.getTime() - 24 * HOUR_MS);
  const entries = (await readCallLog(deps.logDir, [yesterday, now])).filter(
    (e) => Date.parse(e.time) >= now.getTime() - 24 * HOUR_MS,
  );

  const health = await queryOrUndefined(() =>
    deps.client.workflow.getHandle(deps.healthWorkflowId ?? MODEL_HEALTH_WORKFLOW_ID).query(modelHealthQuery),
  );
  const ledger = await queryOrUndefined(() =>
    deps.client.workflow.getHandle(budgetWorkflowId(day, deps.budgetWorkflowPrefix)).query(budgetQuery),
  );
  const budget: BudgetView = ledger ?? {
    day,
    limitUsd: deps.dailyBudgetUsd,
    spentUsd: 0,
    heldUsd: 0,
    remainingUsd: deps.dailyBudgetUsd,
    calls: 0,
    denied: 0,
  };
  const deniedLastHour = entries.some(
    (e) => e.errorClass === 'budget' && Date.parse(e.time) >= now.getTime() - HOUR_MS,
  );
  const exhausted = budget.spentUsd >= budget.limitUsd || deniedLastHour;

  const lastHour = windowStats(entries, now.getTime() - HOUR_MS, target, minCalls);
  const lastDay = windowStats(entries, now.getTime() - 24 * HOUR_MS, target, minCalls);
  const percent = (rate: number): string => `${(rate * 100).toFixed(1)}%`;
  const reasons: string[] = [];
  if (lastHour.breached)
    reasons.push(`failure rate over 1 h is ${percent(lastHour.failureRate)} (target < ${percent(target)})`);
  if (lastDay.breached)
    reasons.push(`failure rate over 24 h is ${percent(lastDay.failureRate)} (target < ${percent(target)})`);
  if (exhausted)
    reasons.push(
      `daily budget exhausted: $${budget.spentUsd.toFixed(4)} of $${budget.limitUsd.toFixed(2)} spent${deniedLastHour ? '; calls refused in the last hour' : ''}`,
    );

  const body: ApiHealthBody = {
    status: reasons.length ? 'unhealthy' : 'healthy',
    reasons,
    failureRate: { '1h': lastHour, '24h': lastDay },
    models: modelStats(entries, health, now.getTime()),
    chain: {
      models: health?.chain?.chain ?? [],
      missing: health?.chain?.missing ?? [],
      source: health?.chain?.source,
      reportedAt: health?.chain?.reportedAt,
    },
    budget: { ...budget, exhausted },
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
