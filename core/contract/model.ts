// Messages of the model gateway's two entity workflows: modelHealth (breakers, the current chain) and
// budget (one ledger per UTC day), shared by every LLM worker.
import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import type { BreakerConfig, BreakerStateName, ModelBreaker } from '../model/breaker';
import type { BudgetLedger, ReserveRequest, ReserveResult, SettleRequest } from '../model/budget';
import type { ChainSource } from '../model/chain';
import type { BucketStats, CallCounters } from '../model/stats';

// ── modelHealth: one breaker per model, shared by every worker ─────────────────────────────────────
export interface ModelHealthInput {
  breaker: BreakerConfig;
  /** Carried over continue-as-new. */
  breakers?: Record<string, ModelBreaker>;
  chain?: ChainReport;
  days?: Record<string, ModelDaySummary>;
}
/** A resolved chain: ref keys ("provider:model") in calling order. */
export interface ChainView {
  chain: string[];
  /** Models the configuration names that no configured provider serves. */
  missing: string[];
  missingReasons?: Record<string, string>;
  /** Configured ids resolved to another listed id (requested → ref key). */
  normalised?: Record<string, string>;
  source: ChainSource;
}
/** A configured provider as an LLM worker sees it (never the key itself). */
export interface ProviderReport {
  name: string;
  /** The environment variable of its key, named when the key is rejected. */
  keyVar: string;
  baseUrl?: string;
  /** Models listed at the last discovery; undefined when listing failed. */
  listed?: number;
  listError?: string;
}
/** The chain an LLM worker resolved (the default role's at the top), reported for /health/api and `healer models`. */
export interface ChainReport extends ChainView {
  reportedAt: string;
  /** Per role (evaluate, remediate) when a role has its own model list. */
  roles?: Record<string, ChainView>;
  providers?: ProviderReport[];
}
/** One UTC day of gateway statistics, handed to modelHealth when the day's budget ledger closes. */
export interface ModelDaySummary {
  day: string;
  limitUsd: number;
  spentUsd: number;
  denied: number;
  models: Record<string, CallCounters>;
}
export interface BreakerAcquire {
  model: string;
}
export interface BreakerAcquired {
  allowed: boolean;
  probe: boolean;
  state: BreakerStateName;
}
export interface BreakerOutcome {
  model: string;
  ok: boolean;
  errorClass?: string;
  counts: boolean;
  /** Open at once (a rejected key, an exhausted quota). */
  tripNow?: boolean;
}
/** Breakers as stored. A query does not advance workflow time: readers apply effectiveState() with their own clock. */
export interface ModelHealthView {
  breaker: BreakerConfig;
  models: Record<string, ModelBreaker>;
  chain?: ChainReport;
  /** Daily statistics of past days (the last MODEL_DAYS_KEPT), newest last. */
  days?: Record<string, ModelDaySummary>;
}

export const acquireModelUpdate = defineUpdate<BreakerAcquired, [BreakerAcquire]>('acquireModel');
export const recordModelOutcomeSignal = defineSignal<[BreakerOutcome]>('recordModelOutcome');
export const reportChainSignal = defineSignal<[ChainReport]>('reportChain');
export const recordModelDaySignal = defineSignal<[ModelDaySummary]>('recordModelDay');
export const modelHealthQuery = defineQuery<ModelHealthView>('modelHealth');

// ── budget: one ledger per UTC day, shared by every worker ─────────────────────────────────────────
export interface BudgetInput {
  day: string;
  limitUsd: number;
  /** Carried over continue-as-new. */
  ledger?: BudgetLedger;
  /** modelHealth's workflow id: the closed day's statistics are handed to it (kept past the ledger's retention). */
  healthWorkflowId?: string;
}
export interface BudgetView {
  day: string;
  limitUsd: number;
  spentUsd: number;
  heldUsd: number;
  remainingUsd: number;
  calls: number;
  denied: number;
  /** The day's calls per 10-minute bucket and model. */
  stats?: BucketStats;
}

export const reserveBudgetUpdate = defineUpdate<ReserveResult, [ReserveRequest]>('reserveBudget');
export const settleBudgetSignal = defineSignal<[SettleRequest]>('settleBudget');
export const budgetQuery = defineQuery<BudgetView>('budget');
