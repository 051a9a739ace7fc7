// The model gateway: one Temporal activity attempt of generateStructured.
//
// Design. One activity attempt walks the fallback chain for as long as no waiting is needed: a model
// that answers 404, a non-retryable 4xx, an open breaker, or its last failed attempt hands over to the
// next model at once, in the same attempt. When a retryable failure calls for a backoff (1 s, 2 s … or
// Retry-After within its cap), the attempt records its place in the chain as heartbeat details and
// fails with ApplicationFailure.nextRetryDelay = that backoff: Temporal does the waiting (durably, no
// worker slot held, visible in the UI as the activity's retry) and the next activity attempt resumes
// at the same model. The chain ends with a result, never a thrown error: ok, or {ok:false} with
// reason budget / exhausted (no model left, auth failure, or the chain deadline).
import { ApplicationFailure, Context } from '@temporalio/activity';
import type { StructuredRequest, StructuredResult } from '../../core/model/request';
import { countsAgainstBreaker, decideAfterFailure, type ModelErrorClass } from '../../core/model/retry';
import { costUsd } from '../../core/model/prices';
import { utcDay } from '../../core/model/budget';
import type { CallLog, CallLogEntry } from './call-log';
import type { ModelGatewayConfig } from './config';
import type { ModelCatalog } from './discovery';
import { ProviderError, type ModelProvider, type ProviderAnswer } from './provider';
import type { SharedState } from './shared-state';
import type { AnswerValidator } from './validate';

/** Where the chain stands; carried between activity attempts as heartbeat details. */
export interface ChainProgress {
  chain: string[];
  modelIndex: number;
  /** Attempts already made on chain[modelIndex]. */
  attemptsOnModel: number;
  /** Model calls made so far (all models). */
  calls: number;
  startedAtMs: number;
  /** Last error class per model tried, for the exhausted detail. */
  failures: Record<string, string>;
}

export const MODEL_ATTEMPT_FAILURE = 'ModelAttemptFailed';

export interface GatewayParts {
  provider: ModelProvider;
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
  const { config, now } = parts;
  const context = Context.current();
  const info = context.info;
  const progress: ChainProgress =
    (info.heartbeatDetails as ChainProgress | undefined) ?? (await startChain(parts, request, info.attempt));
  const maxOutputTokens = request.maxOutputTokens ?? config.defaultMaxOutputTokens;
  const estimatedInput = Math.ceil(
    (request.system.length + request.prompt.length + JSON.stringify(request.responseSchema).length) / 4,
  );

  const entry = (model: string, fields: Partial<CallLogEntry>): CallLogEntry =>
    logEntry(
      request,
      { atMs: now(), model, attempt: progress.attemptsOnModel + 1, activityAttempt: info.attempt },
      { outcome: 'error', next: 'next-model', ...fields },
    );
  const moveToNextModel = (): void => {
    progress.modelIndex += 1;
    progress.attemptsOnModel = 0;
  };

  while (progress.modelIndex < progress.chain.length) {
    const msLeft = progress.startedAtMs + config.chainDeadlineMs - now();
    if (msLeft <= 0) return exhausted(progress, 'chain deadline passed');
    const model = progress.chain[progress.modelIndex];

    // Breaker and budget are asked together. The reservation holds the worst case (full output cap);
    // its id makes a re-run of this attempt reuse it.
    const day = utcDay(new Date(now()));
    const reservationId = `${info.workflowExecution?.workflowId ?? 'standalone'}/${info.activityId}/${request.correlationId}/${model}/${progress.attemptsOnModel + 1}`;
    const [breaker, reservation] = await Promise.all([
      parts.state.mayCall(model),
      parts.state.reserve(day, {
        id: reservationId,
        estimateUsd: costUsd(model, estimatedInput, maxOutputTokens, config.prices),
      }),
    ]);
    if (!breaker.allowed) {
      if (reservation.ok) await parts.state.settle(day, { id: reservationId, actualUsd: 0 });
      await parts.log.append(entry(model, { outcome: 'skipped', errorClass: 'breaker-open' }));
      progress.failures[model] = 'breaker-open';
      moveToNextModel();
      continue;
    }
    if (!reservation.ok) {
      // A probe lease we took is released by its own cool-down; no call was made.
      await parts.log.append(entry(model, { outcome: 'skipped', errorClass: 'budget', next: 'stop' }));
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
      answer = await parts.provider.generate({
        model,
        system: request.system,
        prompt: request.prompt,
        responseSchema: request.responseSchema,
        maxOutputTokens,
        timeoutMs: Math.min(config.callTimeoutMs, msLeft),
      });
      const validated = parts.validator.validate(answer.text, request.responseSchema);
      if (validated.ok) value = validated.value;
      else failure = new ProviderError(validated.errorClass);
    } catch (error) {
      failure = error instanceof ProviderError ? error : new ProviderError('network');
    }
    const latencyMs = now() - startedMs;
    const inputTokens = answer?.inputTokens ?? 0;
    const outputTokens = answer?.outputTokens ?? 0;
    const cost = costUsd(model, inputTokens, outputTokens, config.prices);
    progress.calls += 1;

    // Tokens are billed whether or not the answer was usable.
    const errorClass: ModelErrorClass | undefined = failure?.errorClass;
    await Promise.all([
      parts.state.settle(day, { id: reservationId, actualUsd: cost }),
      parts.state.recordOutcome({
        model,
        ok: !failure,
        errorClass,
        counts: errorClass ? countsAgainstBreaker(errorClass) : false,
      }),
    ]);
    const measured = { latencyMs, inputTokens, outputTokens, costUsd: cost, httpStatus: failure?.status };

    if (!failure) {
      await parts.log.append(entry(model, { ...measured, outcome: 'ok', next: 'done' }));
      return { ok: true, value, model, attempts: progress.calls, inputTokens, outputTokens, costUsd: cost };
    }

    progress.failures[model] = failure.errorClass;
    const next = decideAfterFailure(
      { errorClass: failure.errorClass, retryAfterMs: failure.retryAfterMs },
      progress.attemptsOnModel + 1,
      config.retry,
      progress.startedAtMs + config.chainDeadlineMs - now(),
    );
    if (next.kind === 'retry-same') {
      await parts.log.append(entry(model, { ...measured, errorClass, next: 'retry', retryInMs: next.delayMs }));
      progress.attemptsOnModel += 1;
      context.heartbeat(progress);
      throw ApplicationFailure.create({
        message: `${model}: ${failure.message}`,
        type: MODEL_ATTEMPT_FAILURE,
        nextRetryDelay: next.delayMs,
      });
    }
    await parts.log.append(entry(model, { ...measured, errorClass, next: next.kind }));
    if (next.kind === 'stop') return exhausted(progress, `${model}: ${errorClass}; no other model can help`);
    if (failure.errorClass === 'not-found') parts.catalog.invalidate();
    moveToNextModel();
  }
  return exhausted(progress, 'every model in the chain failed');
}

/** A call-log line with no usage recorded yet; `fields` say what happened. */
function logEntry(
  request: StructuredRequest,
  call: { atMs: number; model: string; attempt: number; activityAttempt: number },
  fields: Pick<CallLogEntry, 'outcome' | 'next'> & Partial<CallLogEntry>,
): CallLogEntry {
  return {
    time: new Date(call.atMs).toISOString(),
    model: call.model,
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
  const resolved = await parts.catalog.chain();
  // Models the override names but the provider does not list: skipped, and reported in the log.
  for (const model of resolved.missing) {
    await parts.log.append(
      logEntry(
        request,
        { atMs: parts.now(), model, attempt: 0, activityAttempt },
        { outcome: 'skipped', errorClass: 'not-listed', next: 'next-model' },
      ),
    );
  }
  return { chain: resolved.chain, modelIndex: 0, attemptsOnModel: 0, calls: 0, startedAtMs: parts.now(), failures: {} };
}

function exhausted(progress: ChainProgress, why: string): StructuredResult<unknown> {
  const tried = Object.entries(progress.failures)
    .map(([model, errorClass]) => `${model}=${errorClass}`)
    .join(', ');
  return {
    ok: false,
    reason: 'exhausted',
    detail: `${why}${tried ? ` (${tried})` : ''}${progress.chain.length === 0 ? ' (no usable model listed)' : ''}`,
  };
}
