// The gateway's shared state, kept in Temporal so every worker process sees the same: the modelHealth
// entity workflow (circuit breakers, current chain) and one budget entity workflow per UTC day.
// Updates/signals "with start" create the entity on first use.
import { WithStartWorkflowOperation, type Client } from '@temporalio/client';
import type { BreakerConfig, ModelBreaker } from '../../core/model/breaker';
import type { ReserveRequest, ReserveResult, SettleRequest } from '../../core/model/budget';
import {
  acquireModelUpdate,
  budgetWorkflowId,
  modelHealthQuery,
  recordModelOutcomeSignal,
  reportChainSignal,
  reserveBudgetUpdate,
  settleBudgetSignal,
  type BreakerAcquired,
  type BreakerOutcome,
  type BudgetInput,
  type ChainReport,
  type ModelHealthInput,
} from '../../core/contract';

/**
 * How long a read of the breakers may take. A query waits for a worker that serves the entity; one that
 * was just killed would hold every call of this process for up to half a minute.
 */
const BREAKER_READ_TIMEOUT_MS = 2000;

/**
 * Every model call waits on these entities, so a task of theirs lost with a killed worker must move on
 * fast (the default is 10 s, during which every call waited). Their runs roll over at 1,000 events
 * (workflows/rollover.ts), so a live worker replays one well within this.
 */
const ENTITY_TASK_TIMEOUT = '3 seconds';

type EntityStart<Input> = { workflowId: string; taskQueue: string; workflowTaskTimeout: string; args: [Input] };

export interface CallPermission extends BreakerAcquired {
  /** Which breaker refused the call. */
  blockedBy?: 'provider' | 'model';
  /** This call is the half-open probe of the provider-wide breaker: report its outcome there too. */
  providerProbe: boolean;
}

export interface SharedStateOptions {
  client: Client;
  taskQueue: string;
  healthWorkflowId: string;
  budgetWorkflowPrefix: string;
  breaker: BreakerConfig;
  dailyBudgetUsd: number;
  /** How long this process trusts its last read of the breakers for models that were closed. */
  breakerViewTtlMs: number;
  now: () => number;
}

export class SharedState {
  private view?: { atMs: number; models: Record<string, ModelBreaker> };
  private viewInFlight?: Promise<void>;

  constructor(private readonly options: SharedStateOptions) {}

  /**
   * May this model be called now? Two breakers decide: the provider-wide one (`provider:*`, opened by a
   * rejected key or an exhausted quota) and the model's own. A breaker that was closed at the last read
   * (at most breakerViewTtlMs ago) costs no round trip; any other state goes through the acquireModel
   * update, which hands out the single half-open probe atomically across workers.
   */
  async mayCall(modelKey: string, providerWideKey: string): Promise<CallPermission> {
    await this.refreshView();
    let providerProbe = false;
    const wide = this.view?.models[providerWideKey];
    if (wide && wide.state !== 'closed') {
      const decision = await this.acquireModel(providerWideKey);
      if (!decision.allowed) return { ...decision, blockedBy: 'provider', providerProbe: false };
      providerProbe = decision.probe;
    }
    const own = this.view?.models[modelKey];
    if (!own || own.state === 'closed') return { allowed: true, probe: false, state: 'closed', providerProbe };
    const decision = await this.acquireModel(modelKey);
    return { ...decision, providerProbe, ...(decision.allowed ? {} : { blockedBy: 'model' as const }) };
  }

  private refreshView(): Promise<void> {
    if (this.view && this.options.now() - this.view.atMs < this.options.breakerViewTtlMs) return Promise.resolve();
    const { client } = this.options;
    this.viewInFlight ??= client
      .withDeadline(Date.now() + BREAKER_READ_TIMEOUT_MS, () =>
        client.workflow.getHandle(this.options.healthWorkflowId).query(modelHealthQuery),
      )
      .then((health) => {
        this.view = { atMs: this.options.now(), models: health.models };
      })
      .catch(() => {
        // Not started yet (no outcome recorded anywhere: every breaker is closed), or not answered in
        // time: the last read stands until the next refresh. Open breakers are still asked for directly.
        this.view = { atMs: this.options.now(), models: this.view?.models ?? {} };
      })
      .finally(() => {
        this.viewInFlight = undefined;
      });
    return this.viewInFlight;
  }

  private healthStart(): EntityStart<ModelHealthInput> {
    return {
      workflowId: this.options.healthWorkflowId,
      taskQueue: this.options.taskQueue,
      workflowTaskTimeout: ENTITY_TASK_TIMEOUT,
      args: [{ breaker: this.options.breaker }],
    };
  }

  private budgetStart(day: string): EntityStart<BudgetInput> {
    return {
      workflowId: budgetWorkflowId(day, this.options.budgetWorkflowPrefix),
      taskQueue: this.options.taskQueue,
      workflowTaskTimeout: ENTITY_TASK_TIMEOUT,
      args: [{ day, limitUsd: this.options.dailyBudgetUsd, healthWorkflowId: this.options.healthWorkflowId }],
    };
  }

  acquireModel(model: string): Promise<BreakerAcquired> {
    const startWorkflowOperation = new WithStartWorkflowOperation('modelHealth', {
      ...this.healthStart(),
      workflowIdConflictPolicy: 'USE_EXISTING',
    });
    return this.options.client.workflow.executeUpdateWithStart(acquireModelUpdate, {
      args: [{ model }],
      startWorkflowOperation,
    });
  }

  async recordOutcome(outcome: BreakerOutcome): Promise<void> {
    // A breaker opened at once (rejected key, quota) is open for this process's next call too, without
    // waiting for the cached view to expire; other workers see it at their next read.
    if (outcome.tripNow && this.view) {
      const nowMs = this.options.now();
      this.view.models[outcome.model] = {
        state: 'open',
        consecutiveFailures: 1,
        openedAtMs: nowMs,
        changedAtMs: nowMs,
        lastErrorClass: outcome.errorClass,
      };
    }
    // A success on a breaker that was closed with no failures changes nothing: spare the entity a signal.
    const known = this.view?.models[outcome.model];
    if (outcome.ok && this.view && (!known || (known.state === 'closed' && known.consecutiveFailures === 0))) return;
    await this.options.client.workflow.signalWithStart('modelHealth', {
      ...this.healthStart(),
      signal: recordModelOutcomeSignal,
      signalArgs: [outcome],
    });
  }

  async reportChain(report: ChainReport): Promise<void> {
    await this.options.client.workflow.signalWithStart('modelHealth', {
      ...this.healthStart(),
      signal: reportChainSignal,
      signalArgs: [report],
    });
  }

  reserve(day: string, request: ReserveRequest): Promise<ReserveResult> {
    const startWorkflowOperation = new WithStartWorkflowOperation('budget', {
      ...this.budgetStart(day),
      workflowIdConflictPolicy: 'USE_EXISTING',
    });
    return this.options.client.workflow.executeUpdateWithStart(reserveBudgetUpdate, {
      args: [request],
      startWorkflowOperation,
    });
  }

  async settle(day: string, request: SettleRequest): Promise<void> {
    await this.options.client.workflow.signalWithStart('budget', {
      ...this.budgetStart(day),
      signal: settleBudgetSignal,
      signalArgs: [request],
    });
  }
}
