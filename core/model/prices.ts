// Price table for the model gateway, in US dollars per million tokens (input and output; thinking tokens
// are billed as output). Public list prices for the Gemini Developer API, paid tier, prompts ≤ 200k tokens.
// Override any entry (or add one) with HEALER_MODEL_PRICES='{"gemini-2.5-flash":{"inputPerMTok":0.3,"outputPerMTok":2.5}}'.
// A model missing from the table is charged at UNKNOWN_MODEL_PRICE (the dearest entry) so the budget
// errs on the safe side.

export interface ModelPrice {
  inputPerMTok: number;
  outputPerMTok: number;
}
export type PriceTable = Record<string, ModelPrice>;

export const DEFAULT_MODEL_PRICES: PriceTable = {
  'gemini-2.5-pro': { inputPerMTok: 1.25, outputPerMTok: 10 },
  'gemini-2.5-flash': { inputPerMTok: 0.3, outputPerMTok: 2.5 },
  'gemini-2.5-flash-lite': { inputPerMTok: 0.1, outputPerMTok: 0.4 },
  'gemini-2.0-flash': { inputPerMTok: 0.1, outputPerMTok: 0.4 },
  'gemini-2.0-flash-lite': { inputPerMTok: 0.075, outputPerMTok: 0.3 },
};

export const UNKNOWN_MODEL_PRICE: ModelPrice = { inputPerMTok: 1.25, outputPerMTok: 10 };

/** The price of a model: exact id first, then the longest table key the id starts with (dated/preview variants). */
export function priceFor(model: string, table: PriceTable = DEFAULT_MODEL_PRICES): ModelPrice {
  const id = model.replace(/^models\//, '');
  if (table[id]) return table[id];
  const prefix = Object.keys(table)
    .filter((key) => id.startsWith(`${key}-`))
    .sort((a, b) => b.length - a.length)[0];
  return prefix ? table[prefix] : UNKNOWN_MODEL_PRICE;
}

export function costUsd(
  model: string,
  inputTokens: number,
  outputTokens: number,
  table: PriceTable = DEFAULT_MODEL_PRICES,
): number {
  const price = priceFor(model, table);
  return roundUsd((inputTokens * price.inputPerMTok + outputTokens * price.outputPerMTok) / 1_000_000);
}

/** Money is kept to a micro-dollar so sums stay exact enough across thousands of calls. */
export function roundUsd(value: number): number {
  return Math.round(value * 1e6) / 1e6;
}

/** Merges a JSON override (HEALER_MODEL_PRICES) into the defaults; throws with the offending key. */
export function parsePriceOverrides(json: string | undefined, base: PriceTable = DEFAULT_MODEL_PRICES): PriceTable {
  if (!json || !json.trim()) return { ...base };
  const parsed: unknown = JSON.parse(json);
  if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed))
    throw new Error('HEALER_MODEL_PRICES: expected a JSON object of model → {inputPerMTok, outputPerMTok}');
  const table: PriceTable = { ...base };
  for (const [model, value] of Object.entries(parsed as Record<string, unknown>)) {
    const price = value as Partial<ModelPrice> | null;
    if (
      !price ||
      typeof price.inputPerMTok !== 'number' ||
      typeof price.outputPerMTok !== 'number' ||
      price.inputPerMTok < 0 ||
      price.outputPerMTok < 0
    ) {
      throw new Error(`HEALER_MODEL_PRICES.${model}: expected {inputPerMTok: number ≥ 0, outputPerMTok: number ≥ 0}`);
    }
    table[model] = { inputPerMTok: price.inputPerMTok, outputPerMTok: price.outputPerMTok };
  }
  return table;
}
