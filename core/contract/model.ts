// Messages of the model gateway's two entity workflows: modelHealth (breakers, the current chain) and
// budget (one ledger per UTC day), shared by every LLM worker.
import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import type { BreakerConfig, BreakerStateName, ModelBreaker } from '../model/breaker';
import type { BudgetLedger, ReserveRequest, ReserveResult, SettleRequest } from '../model/budget';

// ── modelHealth: one breaker per model, shared by every worker ─────────────────────────────────────
export interface ModelHealthInput {
  breaker: BreakerConfig;
  /** Carried over continue-as-new. */
  breakers?: Record<string, ModelBreaker>;
  chain?: ChainReport;
}
export interface ChainReport {
  chain: string[];
  missing: string[];
  source: 'discovered' | 'override';
  reportedAt: string;
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
}
/** Breakers as stored. A query does not advance workflow time: readers apply effectiveState() with their own clock. */
export interface ModelHealthView {
  breaker: BreakerConfig;
  models: Record<string, ModelBreaker>;
  chain?: ChainReport;
}

export const acquireModelUpdate = defineUpdate<BreakerAcquired, [BreakerAcquire]>('acquireModel');
export const recordModelOutcomeSignal = defineSignal<[BreakerOutcome]>('recordModelOutcome');
export const reportChainSignal = defineSignal<[ChainReport]>('reportChain');
export const modelHealthQuery = defineQuery<ModelHealthView>('modelHealth');

// ── budget: one ledger per UTC day, shared by every worker ─────────────────────────────────────────
export interface BudgetInput {
  day: string;
  limitUsd: number;
  /** Carried over continue-as-new. */
  ledger?: BudgetLedger;
}
export interface BudgetView {
  day: string;
  limitUsd: number;
  spentUsd: number;
  heldUsd: number;
  remainingUsd: number;
  calls: number;
  denied: number;
}

export const reserveBudgetUpdate = defineUpdate<ReserveResult, [ReserveRequest]>('reserveBudget');
export const settleBudgetSignal = defineSignal<[SettleRequest]>('settleBudget');
export const budgetQuery = defineQuery<BudgetView>('budget');
