// The provider-neutral interface behind the model gateway. A provider lists its models and runs one
// generate call; it knows nothing of retries, breakers, budgets or schemas beyond passing the schema on.
// Adding a provider means implementing this interface; callers of generateStructured do not change.
import type { JsonSchema } from '../../core/model/request';
import type { CatalogModel } from '../../core/model/chain';
import type { ModelErrorClass } from '../../core/model/retry';
import type { ProviderName } from '../../core/model/providers';

export interface ProviderCall {
  model: string;
  system: string;
  prompt: string;
  responseSchema: JsonSchema;
  maxOutputTokens?: number;
  /** Per-call timeout; the provider aborts and throws a `timeout` ProviderError when it passes. */
  timeoutMs: number;
}

export interface ProviderAnswer {
  /** Raw answer text (expected to be JSON; the gateway parses and validates it). */
  text: string | undefined;
  inputTokens: number;
  /** Billed output, thinking/reasoning tokens included. */
  outputTokens: number;
  /** The vendor's safety filter refused the prompt or the answer (tokens may still be billed). */
  blocked?: boolean;
}

export interface ModelProvider {
  readonly name: ProviderName;
  listModels(timeoutMs: number): Promise<CatalogModel[]>;
  generate(call: ProviderCall): Promise<ProviderAnswer>;
}

/** A classified provider failure. Its message never carries the provider's error text (it may echo the prompt). */
export class ProviderError extends Error {
  constructor(
    readonly errorClass: ModelErrorClass,
    readonly status?: number,
    readonly retryAfterMs?: number,
  ) {
    super(`model call failed: ${errorClass}${status ? ` (HTTP ${status})` : ''}`);
    this.name = 'ProviderError';
  }
}

/**
 * Runs one vendor call with an AbortSignal that fires at the call's deadline. A failure becomes a
 * ProviderError: `timeout` when the deadline fired, else what `classify` makes of it.
 */
export async function withCallDeadline<T>(
  timeoutMs: number,
  call: (signal: AbortSignal) => Promise<T>,
  classify: (error: unknown) => ProviderError,
): Promise<T> {
  const abort = new AbortController();
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    abort.abort();
  }, timeoutMs);
  try {
    return await call(abort.signal);
  } catch (error) {
    throw timedOut ? new ProviderError('timeout') : classify(error);
  } finally {
    clearTimeout(timer);
  }
}
