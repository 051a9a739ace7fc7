// The fallback chain: which models the gateway tries, in which order. Pure: discovery results go in,
// an ordered list of model ids comes out.

export type ModelTier = 'stable' | 'preview' | 'experimental';
const TIER_ORDER: readonly ModelTier[] = ['stable', 'preview', 'experimental'];

/** A model as listed by the provider, reduced to what the chain needs. */
export interface CatalogModel {
  id: string; // without the "models/" prefix
  generatesContent: boolean;
}

export interface ResolvedChain {
  chain: string[];
  /** Models named by HEALER_FALLBACK_MODELS that the provider does not list (skipped, reported). */
  missing: string[];
  source: 'discovered' | 'override';
}

/** Kinds of Gemini models that cannot answer a text prompt with structured JSON. */
const NOT_TEXT_MODELS = /(embedding|aqa|tts|image|audio|live|veo|imagen|computer-use|robotics)/i;

export function modelTier(id: string): ModelTier {
  if (/(^|-)exp(erimental)?(-|$)/i.test(id)) return 'experimental';
  if (/preview/i.test(id)) return 'preview';
  return 'stable';
}

/** Family preference inside a tier and version: flash is the best cost/quality for triage, then pro, then lite. */
function familyRank(id: string): number {
  if (/flash-lite/.test(id)) return 2;
  if (/flash/.test(id)) return 0;
  if (/pro/.test(id)) return 1;
  return 3;
}

function version(id: string): number {
  const match = /gemini-(\d+(?:\.\d+)?)/.exec(id);
  return match ? Number(match[1]) : 0;
}

export function stripModelPrefix(name: string): string {
  return name.replace(/^models\//, '');
}

/** Discovered order: generateContent-capable Gemini text models, stable → preview → experimental, newest first. */
export function orderDiscovered(models: CatalogModel[]): string[] {
  const usable = models.filter(
    (model) => model.generatesContent && /gemini/i.test(model.id) && !NOT_TEXT_MODELS.test(model.id),
  );
  const ids = [...new Set(usable.map((model) => stripModelPrefix(model.id)))];
  return ids.sort(
    (a, b) =>
      TIER_ORDER.indexOf(modelTier(a)) - TIER_ORDER.indexOf(modelTier(b)) ||
      version(b) - version(a) ||
      familyRank(a) - familyRank(b) ||
      a.localeCompare(b),
  );
}

/** Parses HEALER_FALLBACK_MODELS ("a, b ,c") into ids; empty → no override. */
export function parseFallbackModels(value: string | undefined): string[] {
  return (value ?? '')
    .split(',')
    .map((item) => stripModelPrefix(item.trim()))
    .filter((item) => item.length > 0);
}

/**
 * The chain to use. With an override, its order wins and models the provider does not list are skipped
 * and reported; without one, the discovered order is used.
 */
export function resolveChain(models: CatalogModel[], override: string[]): ResolvedChain {
  const discovered = orderDiscovered(models);
  if (override.length === 0) return { chain: discovered, missing: [], source: 'discovered' };
  const available = new Set(
    models.filter((model) => model.generatesContent).map((model) => stripModelPrefix(model.id)),
  );
  const chain = [...new Set(override)].filter((id) => available.has(id));
  const missing = [...new Set(override)].filter((id) => !available.has(id));
  return { chain, missing, source: 'override' };
}
