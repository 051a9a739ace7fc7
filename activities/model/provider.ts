// The provider-neutral interface behind the model gateway. A provider lists its models and runs one
// generate call; it knows nothing of retries, breakers, budgets or schemas beyond passing the schema on.
// Adding a provider means implementing this interface; callers of generateStructured do not change.
import type { JsonSchema } from '../../core/model/request';
import type { CatalogModel } from '../../core/model/chain';
import type { ModelErrorClass } from '../../core/model/retry';

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
  outputTokens: number;
}

export interface ModelProvider {
  readonly name: string;
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
