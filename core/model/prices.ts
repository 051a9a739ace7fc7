// Price table for the model gateway, in US dollars per million tokens (input and output; thinking
// tokens are billed as output). Vendors' public list prices for standard (non-batch) calls with short
// prompts, as published when this table was last edited; extend or correct it with
// HEALER_MODEL_PRICES (JSON) or HEALER_MODEL_PRICES_FILE (a JSON file of the same shape).
// Keys: a model id ("claude-sonnet-4-5" also prices its dated releases), "provider:model", or
// "provider:*" for every model of a provider. A model priced by no key is charged at the dearest price
// of its provider's entries (or UNKNOWN_MODEL_PRICE), so the budget errs on the safe side.
import { canonicalModelId } from './normalise';
import { inferProvider, providerNamed, type ModelRef, type ProviderName } from './providers';

export interface ModelPrice {
  inputPerMTok: number;
  outputPerMTok: number;
}
export type PriceTable = Record<string, ModelPrice>;

const price = (inputPerMTok: number, outputPerMTok: number): ModelPrice => ({ inputPerMTok, outputPerMTok });

export const DEFAULT_MODEL_PRICES: PriceTable = {
  // Gemini Developer API, paid tier, prompts ≤ 200k tokens.
  'gemini-3-pro': price(2, 12),
  'gemini-3-flash': price(0.5, 3),
  'gemini-2.5-pro': price(1.25, 10),
  'gemini-2.5-flash': price(0.3, 2.5),
  'gemini-2.5-flash-lite': price(0.1, 0.4),
  'gemini-2.0-flash': price(0.1, 0.4),
  'gemini-2.0-flash-lite': price(0.075, 0.3),
  // Anthropic Messages API.
  'claude-fable-5-1': price(10, 50),
  'claude-opus-5-5': price(4, 20),
  'claude-opus-5': price(5, 25),
  'claude-sonnet-5-5': price(2, 10),
  'claude-sonnet-5': price(3, 15),
  'claude-haiku-5-5': price(0.1, 0.5),
  'claude-opus-4-5': price(5, 25),
  'claude-opus-4-6': price(5, 25),
  'claude-opus-4-7': price(5, 25),
  'claude-opus-4-1': price(15, 75),
  'claude-opus-4': price(15, 75),
  'claude-sonnet-4': price(3, 15),
  'claude-haiku-4-5': price(1, 5),
  'claude-3-7-sonnet': price(3, 15),
  'claude-3-5-haiku': price(0.8, 4),
  'claude-3-haiku': price(0.25, 1.25),
  // xAI chat completions.
  'grok-4.6': price(2, 6),
  'grok-4.20': price(1.25, 2.5),
  'grok-4-1-fast': price(0.2, 0.5),
  'grok-4-fast': price(0.2, 0.5),
  'grok-4': price(3, 15),
  'grok-code-fast': price(0.2, 1.5),
  'grok-3-mini': price(0.3, 0.5),
  'grok-3': price(3, 15),
  // A self-hosted OpenAI-compatible endpoint (vLLM, Ollama) bills nothing per token; price a paid proxy's
  // models with "openai-compatible:<model>" entries.
  'openai-compatible:*': price(0, 0),
};

/** For a model of no known provider and no entry: the dearest list price above. */
export const UNKNOWN_MODEL_PRICE: ModelPrice = price(15, 75);

/** "provider:model" (a ref key) or a bare id (provider inferred from its family). */
function toRef(model: string | ModelRef): { provider?: ProviderName; model: string } {
  if (typeof model !== 'string') return model;
  const colon = model.indexOf(':');
  const provider = colon > 0 ? providerNamed(model.slice(0, colon)) : undefined;
  if (provider) return { provider, model: model.slice(colon + 1) };
  return { provider: inferProvider(model), model };
}

function keyProvider(key: string): ProviderName | undefined {
  return toRef(key).provider;
}

/**
 * The price of a model: its "provider:model" entry; else the entry of its id, or of the longest id
 * it extends (dated and preview releases), compared with case, dots and hyphens folded; else its
 * provider's "provider:*" entry; else the dearest entry of its provider.
 */
export function priceFor(model: string | ModelRef, table: PriceTable = DEFAULT_MODEL_PRICES): ModelPrice {
  const ref = toRef(model);
  const id = canonicalModelId(ref.model);
  if (ref.provider && table[`${ref.provider}:${ref.model}`]) return table[`${ref.provider}:${ref.model}`];
  const sameProvider = Object.keys(table).filter(
    (key) => !key.endsWith(':*') && (ref.provider === undefined || keyProvider(key) === ref.provider),
  );
  const bareId = (key: string): string => canonicalModelId(toRef(key).model);
  const match = sameProvider
    .filter((key) => bareId(key) === id || id.startsWith(`${bareId(key)}-`))
    .sort((a, b) => bareId(b).length - bareId(a).length)[0];
  if (match) return table[match];
  if (ref.provider && table[`${ref.provider}:*`]) return table[`${ref.provider}:*`];
  const dearest = sameProvider.map((key) => table[key]).sort((a, b) => b.outputPerMTok - a.outputPerMTok)[0];
  return ref.provider && dearest ? dearest : UNKNOWN_MODEL_PRICE;
}

export function costUsd(
  model: string | ModelRef,
  inputTokens: number,
  outputTokens: number,
  table: PriceTable = DEFAULT_MODEL_PRICES,
): number {
  const { inputPerMTok, outputPerMTok } = priceFor(model, table);
  return roundUsd((inputTokens * inputPerMTok + outputTokens * outputPerMTok) / 1_000_000);
}

/** Money is kept to a micro-dollar so sums stay exact enough across thousands of calls. */
export function roundUsd(value: number): number {
  return Math.round(value * 1e6) / 1e6;
}

/**
 * Merges a JSON price table (HEALER_MODEL_PRICES, or the text of HEALER_MODEL_PRICES_FILE) into `base`;
 * throws `SOURCE.model: …` naming the entry at fault.
 */
export function parsePriceOverrides(
  json: string | undefined,
  base: PriceTable = DEFAULT_MODEL_PRICES,
  source = 'HEALER_MODEL_PRICES',
): PriceTable {
  if (!json || !json.trim()) return { ...base };
  let parsed: unknown;
  try {
    parsed = JSON.parse(json);
  } catch (error) {
    throw new Error(`${source}: expected JSON (${(error as Error).message})`);
  }
  if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed))
    throw new Error(`${source}: expected a JSON object of model → {inputPerMTok, outputPerMTok}`);
  const table: PriceTable = { ...base };
  for (const [model, value] of Object.entries(parsed as Record<string, unknown>)) {
    const entry = value as Partial<ModelPrice> | null;
    if (
      !entry ||
      typeof entry.inputPerMTok !== 'number' ||
      typeof entry.outputPerMTok !== 'number' ||
      entry.inputPerMTok < 0 ||
      entry.outputPerMTok < 0
    ) {
      throw new Error(`${source}.${model}: expected {inputPerMTok: number ≥ 0, outputPerMTok: number ≥ 0}`);
    }
    table[model] = price(entry.inputPerMTok, entry.outputPerMTok);
  }
  return table;
}
