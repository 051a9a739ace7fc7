// Test calls (`healer models test`): one short structured call to each model, through the same provider
// clients the gateway uses, with its cost held and booked on the shared daily budget. Test calls are
// not counted in the failure-rate statistics: they check keys and models, they are not traffic.
import { randomUUID } from 'node:crypto';
import { utcDay } from '../../core/model/budget';
import { costUsd, type PriceTable } from '../../core/model/prices';
import { parseRefKey } from '../../core/model/providers';
import type { ModelErrorClass } from '../../core/model/retry';
import type { ModelCatalog } from './discovery';
import { ProviderError } from './provider';
import type { SharedState } from './shared-state';
import { AnswerValidator } from './validate';

export const TEST_SCHEMA = {
  type: 'object',
  properties: { ok: { type: 'boolean' } },
  required: ['ok'],
  additionalProperties: false,
};
const TEST_SYSTEM = 'You are a health check. Answer with the JSON object {"ok": true} and nothing else.';
const TEST_PROMPT = 'Health check: reply {"ok": true}.';
/** Enough for a reasoning model to think briefly and still answer. */
const TEST_MAX_OUTPUT_TOKENS = 256;

export interface TestCallResult {
  provider: string;
  model: string;
  ok: boolean;
  /** HTTP status of the answer (200 when one came back), undefined without one (timeout, network). */
  httpStatus?: number;
  /** The failure's class, `budget` when the daily budget refused the call. */
  errorClass?: ModelErrorClass | 'budget';
  latencyMs: number;
  inputTokens: number;
  outputTokens: number;
  costUsd: number;
}

export interface TestCallDeps {
  catalog: ModelCatalog;
  /** Shared budget; undefined (Temporal unreachable) → calls are made and their cost not booked. */
  state?: SharedState;
  prices: PriceTable;
  timeoutMs: number;
  now?: () => number;
}

export async function testModels(deps: TestCallDeps, refs: string[]): Promise<TestCallResult[]> {
  const now = deps.now ?? Date.now;
  const validator = new AnswerValidator();
  const run = randomUUID();
  const results: TestCallResult[] = [];
  for (const ref of refs) {
    const { provider: name, model } = parseRefKey(ref);
    const provider = deps.catalog.provider(name);
    const base = { provider: name, model, latencyMs: 0, inputTokens: 0, outputTokens: 0, costUsd: 0 };
    if (!provider) continue;
    const day = utcDay(new Date(now()));
    const reservationId = `models-test/${run}/${ref}`;
    const reservation = await deps.state?.reserve(day, {
      id: reservationId,
      estimateUsd: costUsd(ref, 200, TEST_MAX_OUTPUT_TOKENS, deps.prices),
    });
    if (reservation && !reservation.ok) {
      results.push({ ...base, ok: false, errorClass: 'budget' });
      continue;
    }
    const started = now();
    let result: TestCallResult;
    try {
      const answer = await provider.generate({
        model,
        system: TEST_SYSTEM,
        prompt: TEST_PROMPT,
        responseSchema: TEST_SCHEMA,
        maxOutputTokens: TEST_MAX_OUTPUT_TOKENS,
        timeoutMs: deps.timeoutMs,
      });
      const validated = answer.blocked
        ? ({ ok: false, errorClass: 'content-filtered' } as const)
        : validator.validate(answer.text, TEST_SCHEMA);
      result = {
        ...base,
        ok: validated.ok,
        httpStatus: 200,
        ...(validated.ok ? {} : { errorClass: validated.errorClass }),
        latencyMs: now() - started,
        inputTokens: answer.inputTokens,
        outputTokens: answer.outputTokens,
        costUsd: costUsd(ref, answer.inputTokens, answer.outputTokens, deps.prices),
      };
    } catch (error) {
      const failure = error instanceof ProviderError ? error : new ProviderError('network');
      result = {
        ...base,
        ok: false,
        httpStatus: failure.status,
        errorClass: failure.errorClass,
        latencyMs: now() - started,
      };
    }
    await deps.state?.settle(day, { id: reservationId, actualUsd: result.costUsd });
    results.push(result);
  }
  return results;
}
