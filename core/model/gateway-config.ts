// Settings of the model gateway, with their defaults and the environment variables that set them.
import { DEFAULT_BREAKER_CONFIG, type BreakerConfig } from '../../core/model/breaker';
import { parseFallbackModels } from '../../core/model/chain';
import { DEFAULT_MODEL_PRICES, parsePriceOverrides, type PriceTable } from '../../core/model/prices';
import { DEFAULT_RETRY_POLICY, type RetryPolicy } from '../../core/model/retry';
import { MODEL_HEALTH_WORKFLOW_ID } from '../../core/contract';

export interface ModelGatewayConfig {
  retry: RetryPolicy;
  breaker: BreakerConfig;
  /** Timeout of one model call. */
  callTimeoutMs: number;
  /** Deadline of the whole chain (every model, every retry) for one request. */
  chainDeadlineMs: number;
  /** How often the model list is refreshed (also refreshed after a model-not-found). */
  discoveryRefreshMs: number;
  /** Models per page when listing. */
  discoveryPageSize: number;
  /** HEALER_FALLBACK_MODELS: overrides the discovered order; may name missing models (skipped, reported). */
  fallbackModels: string[];
  dailyBudgetUsd: number;
  /** Over budget: `fallback` answers {ok:false, reason:'budget'} at once; `wait` retries until the chain deadline. */
  onBudgetExhausted: 'fallback' | 'wait';
  budgetRetryMs: number;
  /** How long a worker trusts its cached read of the breakers (closed ones only; others ask the entity). */
  breakerViewTtlMs: number;
  /** Output cap sent with every call (keeps the budget estimate an upper bound). */
  defaultMaxOutputTokens: number;
  prices: PriceTable;
  /** Where the shared-state entity workflows run, and their ids. */
  stateTaskQueue: string;
  healthWorkflowId: string;
  budgetWorkflowPrefix: string;
}

export const DEFAULT_GATEWAY_CONFIG: ModelGatewayConfig = {
  retry: DEFAULT_RETRY_POLICY,
  breaker: DEFAULT_BREAKER_CONFIG,
  callTimeoutMs: 30_000,
  chainDeadlineMs: 120_000,
  discoveryRefreshMs: 60 * 60 * 1000,
  discoveryPageSize: 50,
  fallbackModels: [],
  dailyBudgetUsd: 1.0,
  onBudgetExhausted: 'fallback',
  budgetRetryMs: 60_000,
  defaultMaxOutputTokens: 2048,
  breakerViewTtlMs: 1000,
  prices: DEFAULT_MODEL_PRICES,
  stateTaskQueue: 'healer',
  healthWorkflowId: MODEL_HEALTH_WORKFLOW_ID,
  budgetWorkflowPrefix: 'healer-budget-',
};

function positiveNumber(env: NodeJS.ProcessEnv, key: string, fallback: number): number {
  const raw = env[key];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || value < 0) throw new Error(`${key}: expected a number ≥ 0, got "${raw}"`);
  return value;
}

/**
 * Reads HEALER_FALLBACK_MODELS, HEALER_DAILY_BUDGET_USD, HEALER_MODEL_PRICES (JSON), HEALER_BUDGET_MODE
 * (fallback|wait), HEALER_MODEL_CALL_TIMEOUT_MS, HEALER_MODEL_CHAIN_DEADLINE_MS, HEALER_MODEL_BACKOFF_BASE_MS,
 * HEALER_MODEL_RETRY_AFTER_CAP_MS, HEALER_BREAKER_FAILURES, HEALER_BREAKER_COOLDOWN_MS,
 * HEALER_MODEL_DISCOVERY_REFRESH_MS. A bad value throws with the key's name.
 */
export function modelGatewayConfigFromEnv(env: NodeJS.ProcessEnv): ModelGatewayConfig {
  const base = DEFAULT_GATEWAY_CONFIG;
  const mode = env.HEALER_BUDGET_MODE ?? base.onBudgetExhausted;
  if (mode !== 'fallback' && mode !== 'wait')
    throw new Error(`HEALER_BUDGET_MODE: expected "fallback" or "wait", got "${mode}"`);
  return {
    ...base,
    retry: {
      attemptsPerModel: base.retry.attemptsPerModel,
      backoffBaseMs: positiveNumber(env, 'HEALER_MODEL_BACKOFF_BASE_MS', base.retry.backoffBaseMs),
      retryAfterCapMs: positiveNumber(env, 'HEALER_MODEL_RETRY_AFTER_CAP_MS', base.retry.retryAfterCapMs),
    },
    breaker: {
      failureThreshold: positiveNumber(env, 'HEALER_BREAKER_FAILURES', base.breaker.failureThreshold),
      coolDownMs: positiveNumber(env, 'HEALER_BREAKER_COOLDOWN_MS', base.breaker.coolDownMs),
    },
    callTimeoutMs: positiveNumber(env, 'HEALER_MODEL_CALL_TIMEOUT_MS', base.callTimeoutMs),
    chainDeadlineMs: positiveNumber(env, 'HEALER_MODEL_CHAIN_DEADLINE_MS', base.chainDeadlineMs),
    discoveryRefreshMs: positiveNumber(env, 'HEALER_MODEL_DISCOVERY_REFRESH_MS', base.discoveryRefreshMs),
    fallbackModels: parseFallbackModels(env.HEALER_FALLBACK_MODELS),
    dailyBudgetUsd: positiveNumber(env, 'HEALER_DAILY_BUDGET_USD', base.dailyBudgetUsd),
    onBudgetExhausted: mode,
    prices: parsePriceOverrides(env.HEALER_MODEL_PRICES),
  };
}
