// Settings of the model gateway and their defaults. Parsed from the environment by runtime/config
// (the HEALER_MODEL_*, HEALER_BREAKER_*, HEALER_BUDGET_MODE … keys); pure data here.
import { DEFAULT_BREAKER_CONFIG, type BreakerConfig } from './breaker';
import { DEFAULT_MODEL_PRICES, type PriceTable } from './prices';
import { DEFAULT_RETRY_POLICY, type RetryPolicy } from './retry';
import type { ProviderName } from './providers';
import { LLM_TASK_QUEUE, MODEL_HEALTH_WORKFLOW_ID } from '../contract';

/** One vendor's connection. A key makes a provider usable (an OpenAI-compatible endpoint: its base URL). */
export interface ProviderSettings {
  apiKey?: string;
  /** The vendor's API root (tests point it at a fake); unset → the vendor's public endpoint. */
  baseUrl?: string;
  /** OPENAI_COMPATIBLE_MODELS: the models of an OpenAI-compatible endpoint to use, in order. */
  models?: string[];
}

export interface ModelGatewayConfig {
  /** Configured providers (GEMINI_*, ANTHROPIC_*, XAI_*, OPENAI_COMPATIBLE_*). */
  providers: Partial<Record<ProviderName, ProviderSettings>>;
  /** HEALER_PROVIDERS: provider order of the discovered chain; empty → every configured provider, in PROVIDER_NAMES order. */
  providerOrder: ProviderName[];
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
  /**
   * HEALER_FALLBACK_MODELS: `provider:model` or gemini-, claude-, grok- ids, overriding the discovered
   * order; ids are matched to listed ones (normalised), missing ones skipped and reported.
   */
  fallbackModels: string[];
  /** HEALER_EVALUATION_MODELS / HEALER_REMEDIATION_MODELS: a role's own list (else fallbackModels). */
  roleModels: { evaluate: string[]; remediate: string[] };
  dailyBudgetUsd: number;
  /** Over budget: `fallback` answers {ok:false, reason:'budget'} at once; `wait` retries until the chain deadline. */
  onBudgetExhausted: 'fallback' | 'wait';
  budgetRetryMs: number;
  /** How long a worker trusts its cached read of the breakers (closed ones only; others ask the entity). */
  breakerViewTtlMs: number;
  /** Output cap sent with every call (keeps the budget estimate an upper bound). */
  defaultMaxOutputTokens: number;
  prices: PriceTable;
  /** HEALER_MODEL_PRICES_FILE, when the table was extended from a file (shown by `healer models`). */
  pricesFile?: string;
  /**
   * Where the shared-state entity workflows run, and their ids. By default on the model calls' own queue,
   * served by the LLM workers: a call then waits on no other process (workers/llm.ts).
   */
  stateTaskQueue: string;
  healthWorkflowId: string;
  budgetWorkflowPrefix: string;
}

export const DEFAULT_GATEWAY_CONFIG: ModelGatewayConfig = {
  providers: {},
  providerOrder: [],
  retry: DEFAULT_RETRY_POLICY,
  breaker: DEFAULT_BREAKER_CONFIG,
  callTimeoutMs: 30_000,
  chainDeadlineMs: 120_000,
  discoveryRefreshMs: 60 * 60 * 1000,
  discoveryPageSize: 50,
  fallbackModels: [],
  roleModels: { evaluate: [], remediate: [] },
  dailyBudgetUsd: 1.0,
  onBudgetExhausted: 'fallback',
  budgetRetryMs: 60_000,
  defaultMaxOutputTokens: 2048,
  breakerViewTtlMs: 1000,
  prices: DEFAULT_MODEL_PRICES,
  stateTaskQueue: LLM_TASK_QUEUE,
  healthWorkflowId: MODEL_HEALTH_WORKFLOW_ID,
  budgetWorkflowPrefix: 'healer-budget-',
};

/** Model calls per second on task queue healer-llm, for the whole queue however many workers run. */
export const DEFAULT_LLM_RATE_PER_SECOND = 2;
