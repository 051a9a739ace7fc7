// The model gateway: one Temporal activity attempt of generateStructured.
//
// Design. One activity attempt walks the fallback chain (models of every configured provider) for as
// long as no waiting is needed: a model that answers 404, a non-retryable 4xx, an open breaker, or its
// last failed attempt hands over to the next model at once, in the same attempt; a rejected key or an
// exhausted quota hands over to the next provider's models and opens that provider's breaker. When a
// retryable failure calls for a backoff (1 s, 2 s, 4 s, or Retry-After within its cap), the attempt
// records its place in the chain as heartbeat details and fails with ApplicationFailure.nextRetryDelay
// = that backoff: Temporal does the waiting (durably, no worker slot held, visible in the UI as the
// activity's retry) and the next activity attempt resumes at the same model. The chain ends with a
// result, never a thrown error: ok, or {ok:false} with reason budget / exhausted (no model left, or
// the chain deadline).
import { ApplicationFailure, Context } from '@temporalio/activity';
import type { StructuredRequest, StructuredResult } from '../../core/model/request';
import { countsAgainstBreaker, decideAfterFailure, failsProvider, type ModelErrorClass } from '../../core/model/retry';
import { costUsd } from '../../core/model/prices';
import { parseRefKey, providerKey } from '../../core/model/providers';
import { utcDay } from '../../core/model/budget';
import type { CallSample } from '../../core/model/stats';
import type { ModelGatewayConfig } from '../../core/model/gateway-config';
import type { CallLog, CallLogEntry } from './call-log';
import type { ModelCatalog } from './discovery';
import { ProviderError, type ProviderAnswer } from './provider';
import type { SharedState } from './shared-state';
import type { AnswerValidator } from './validate';
import { whileHeartbeating } from '../heartbeat';

/** Where the chain stands; carried between activity attempts as heartbeat details. */
export interface ChainProgress {
  /** Ref keys ("provider:model"). */
  chain: string[];
  modelIndex: number;
  /** Attempts already made on chain[modelIndex]. */
  attemptsOnModel: number;
  /** Model calls made so far (all models). */
  calls: number;
  startedAtMs: number;
  /** Last error class per model tried, for the exhausted detail. */
  failures: Record<string, string>;
  /** Providers whose key or quota failed during this chain: their remaining models are skipped. */
  failedProviders?: string[];
}

export const MODEL_ATTEMPT_FAILURE = 'ModelAttemptFailed';
const DEADLINE_PASSED = 'chain deadline passed';

export interface GatewayParts {
  catalog: ModelCatalog;
  state: SharedState;
  log: CallLog;
  validator: AnswerValidator;
  config: ModelGatewayConfig;
  now: () => number;
}

export async function runChainAttempt(
  parts: GatewayParts,
  request: StructuredRequest,
): Promise<StructuredResult<unknown>> {
  const info = Context.current().info;
  const resumed = info.heartbeatDetails as ChainProgress | undefined;
  // A chain saved by a gateway from before models were named "provider:model" is started afresh.
  const progress: ChainProgress =
    resumed && resumed.chain.every((ref) => ref.includes(':'))
      ? resumed
      : await whileHeartbeating(startChain(parts, request, info.attempt));
  // Beats between the waits too (the call log, settling the budget), with the chain's progress as details.
  return whileHeartbeating(continueChain(parts, request, progress), () => progress);
}

async function continueChain(
  parts: GatewayParts,
  request: StructuredRequest,
  progress: ChainProgress,
): Promise<StructuredResult<unknown>> {
  const { config, now } = parts;
  const context = Context.current();
  const info = context.info;
  const failedProviders = (progress.failedProviders ??= []);
  const maxOutputTokens = request.maxOutputTokens ?? config.defaultMaxOutputTokens;
  const estimatedInput = Math.ceil(
    (request.system.length + request.prompt.length + JSON.stringify(request.responseSchema).length) / 4,
  );

  const entry = (ref: string, fields: Partial<CallLogEntry>): CallLogEntry =>
    logEntry(
      request,
      { atMs: now(), ref, attempt: progress.attemptsOnModel + 1, activityAttempt: info.attempt },
      { outcome: 'error', next: 'next-model', ...fields },
    );
  const moveToNextModel = (): void => {
    progress.modelIndex += 1;
    progress.attemptsOnModel = 0;
  };

  while (progress.modelIndex < progress.chain.length) {
    const msLeft = progress.startedAtMs + config.chainDeadlineMs - now();
    if (msLeft <= 0) return exhausted(progress, DEADLINE_PASSED);
    const ref = progress.chain[progress.modelIndex];
    const { provider: providerName, model } = parseRefKey(ref);
    const provider = parts.catalog.provider(providerName);
    if (!provider || failedProviders.includes(providerName)) {
      await parts.log.append(entry(ref, { outcome: 'skipped', errorClass: 'provider-failed' }));
      progress.failures[ref] ??= 'provider-failed';
      moveToNextModel();
      continue;
    }

    // Breakers and budget are asked together. The reservation holds the worst case (full output cap);
    // its id makes a re-run of this attempt reuse it.
    const day = utcDay(new Date(now()));
    const reservationId = `${info.workflowExecution?.workflowId ?? 'standalone'}/${info.activityId}/${request.correlationId}/${ref}/${progress.attemptsOnModel + 1}`;
    // Heartbeats while waiting, here and on the provider below: a lost attempt is retried within the heartbeat timeout.
    const [permission, reservation] = await whileHeartbeating(
      Promise.all([
        parts.state.mayCall(ref, providerKey(providerName)),
        parts.state.reserve(day, {
          id: reservationId,
          estimateUsd: costUsd(ref, estimatedInput, maxOutputTokens, config.prices),
        }),
      ]),
      () => progress,
    );
    if (!permission.allowed) {
      const skippedAt = new Date(now()).toISOString();
      if (reservation.ok)
        await parts.state.settle(day, { id: reservationId, actualUsd: 0, call: skipSample(ref, skippedAt) });
      await parts.log.append(entry(ref, { outcome: 'skipped', errorClass: 'breaker-open' }));
      progress.failures[ref] = 'breaker-open';
      if (permission.blockedBy === 'provider') failedProviders.push(providerName);
      moveToNextModel();
      continue;
    }
    if (!reservation.ok) {
      // A probe lease we took is released by its own cool-down; no call was made.
      await parts.log.append(entry(ref, { outcome: 'skipped', errorClass: 'budget', next: 'stop' }));
      if (config.onBudgetExhausted === 'wait' && msLeft > config.budgetRetryMs) {
        context.heartbeat(progress);
        throw ApplicationFailure.create({
          message: 'daily model budget exhausted; waiting',
          type: 'ModelBudgetExhausted',
          nextRetryDelay: config.budgetRetryMs,
        });
      }
      return {
        ok: false,
        reason: 'budget',
        detail: `daily model budget of $${reservation.limitUsd.toFixed(2)} reached (spent $${reservation.spentUsd.toFixed(4)})`,
      };
    }

    const startedMs = now();
    let answer: ProviderAnswer | undefined;
    let failure: ProviderError | undefined;
    let value: unknown;
    try {
      answer = await whileHeartbeating(
        provider.generate({
          model,
          system: request.system,
          prompt: request.prompt,
          responseSchema: request.responseSchema,
          maxOutputTokens,
          timeoutMs: Math.min(config.callTimeoutMs, msLeft),
        }),
        () => progress,
      );
      const validated = answer.blocked
        ? ({ ok: false, errorClass: 'content-filtered' } as const)
        : parts.validator.validate(answer.text, request.responseSchema);
      if (validated.ok) value = validated.value;
      else failure = new ProviderError(validated.errorClass);
    } catch (error) {
      failure = error instanceof ProviderError ? error : new ProviderError('network');
    }
    const latencyMs = now() - startedMs;
    const inputTokens = answer?.inputTokens ?? 0;
    const outputTokens = answer?.outputTokens ?? 0;
    const cost = costUsd(ref, inputTokens, outputTokens, config.prices);
    progress.calls += 1;

    // Tokens are billed whether or not the answer was usable.
    const errorClass: ModelErrorClass | undefined = failure?.errorClass;
    const call: CallSample = {
      model: ref,
      outcome: failure ? 'error' : 'ok',
      ...(errorClass ? { errorClass } : {}),
      at: new Date(startedMs).toISOString(),
      latencyMs,
      inputTokens,
      outputTokens,
      costUsd: cost,
    };
    await Promise.all([
      parts.state.settle(day, { id: reservationId, actualUsd: cost, call }),
      parts.state.recordOutcome({
        model: ref,
        ok: !failure,
        errorClass,
        counts: errorClass ? countsAgainstBreaker(errorClass) : false,
      }),
      // The provider-wide breaker: opened at once by a rejected key or quota, closed by any answer of its probe.
      errorClass && failsProvider(errorClass)
        ? parts.state.recordOutcome({
            model: providerKey(providerName),
            ok: false,
            errorClass,
            counts: true,
            tripNow: true,
          })
        : permission.providerProbe
          ? parts.state.recordOutcome({ model: providerKey(providerName), ok: true, counts: false })
          : undefined,
    ]);
    const measured = { latencyMs, inputTokens, outputTokens, costUsd: cost, httpStatus: failure?.status };

    if (!failure) {
      await parts.log.append(entry(ref, { ...measured, outcome: 'ok', next: 'done' }));
      return {
        ok: true,
        value,
        model,
        provider: providerName,
        attempts: progress.calls,
        inputTokens,
        outputTokens,
        costUsd: cost,
      };
    }

    progress.failures[ref] = failure.errorClass;
    const next = decideAfterFailure(
      { errorClass: failure.errorClass, retryAfterMs: failure.retryAfterMs },
      progress.attemptsOnModel + 1,
      config.retry,
      progress.startedAtMs + config.chainDeadlineMs - now(),
    );
    if (next.kind === 'retry-same') {
      await parts.log.append(entry(ref, { ...measured, errorClass, next: 'retry', retryInMs: next.delayMs }));
      progress.attemptsOnModel += 1;
      context.heartbeat(progress);
      throw ApplicationFailure.create({
        message: `${ref}: ${failure.message}`,
        type: MODEL_ATTEMPT_FAILURE,
        nextRetryDelay: next.delayMs,
      });
    }
    await parts.log.append(entry(ref, { ...measured, errorClass, next: next.kind }));
    if (next.kind === 'next-provider') failedProviders.push(providerName);
    if (failure.errorClass === 'not-found') parts.catalog.invalidate(providerName);
    moveToNextModel();
  }
  return exhausted(progress, 'every model in the chain failed');
}

function skipSample(ref: string, at: string): CallSample {
  return { model: ref, outcome: 'skipped', at, latencyMs: 0, inputTokens: 0, outputTokens: 0, costUsd: 0 };
}

/** A call-log line with no usage recorded yet; `fields` say what happened. */
function logEntry(
  request: StructuredRequest,
  call: { atMs: number; ref: string; attempt: number; activityAttempt: number },
  fields: Pick<CallLogEntry, 'outcome' | 'next'> & Partial<CallLogEntry>,
): CallLogEntry {
  const { provider, model } = parseRefKey(call.ref);
  return {
    time: new Date(call.atMs).toISOString(),
    provider,
    model,
    attempt: call.attempt,
    activityAttempt: call.activityAttempt,
    purpose: request.purpose,
    correlationId: request.correlationId,
    latencyMs: 0,
    inputTokens: 0,
    outputTokens: 0,
    costUsd: 0,
    ...fields,
  };
}

async function startChain(
  parts: GatewayParts,
  request: StructuredRequest,
  activityAttempt: number,
): Promise<ChainProgress> {
  const resolved = await parts.catalog.chain(request.purpose);
  // Models the configuration names but no provider lists: skipped, and reported in the log.
  for (const ref of resolved.missing) {
    await parts.log.append(
      logEntry(
        request,
        { atMs: parts.now(), ref, attempt: 0, activityAttempt },
        { outcome: 'skipped', errorClass: 'not-listed', next: 'next-model' },
      ),
    );
  }
  return {
    chain: resolved.chain,
    modelIndex: 0,
    attemptsOnModel: 0,
    calls: 0,
    startedAtMs: parts.now(),
    failures: {},
    failedProviders: [],
  };
}

function exhausted(progress: ChainProgress, why: string): StructuredResult<unknown> {
  const tried = Object.entries(progress.failures)
    .map(([ref, errorClass]) => `${ref}=${errorClass}`)
    .join(', ');
  // Out of time before any model answered or was skipped: the time went to lost attempts (a killed worker)
  // or to waiting on Healer's own state, not to the models.
  const infrastructure = why === DEADLINE_PASSED && tried === '' && progress.chain.length > 0;
  return {
    ok: false,
    reason: 'exhausted',
    detail: `${why}${tried ? ` (${tried})` : ''}${progress.chain.length === 0 ? ' (no usable model listed)' : ''}`,
    ...(infrastructure ? { infrastructure: true } : {}),
  };
}
