// The fallback chain: which models the gateway tries, in which order, across providers. Pure: each
// provider's model list (or the fact it could not be listed) goes in, an ordered list of ref keys
// ("provider:model") comes out, with what was asked for but cannot be served.
import { canonicalModelId, compareVersionsDescending, modelTier, nearestListed, TIER_ORDER } from './normalise';
import { refKey, type ModelRef, type ProviderName } from './providers';

export { modelTier, type ModelTier } from './normalise';

/** A model as listed by its provider, reduced to what the chain needs. */
export interface CatalogModel {
  id: string; // without the "models/" prefix
  generatesContent: boolean;
  /** Anthropic lists a lifecycle; a retired model is never called, a deprecated one goes last. */
  lifecycle?: 'active' | 'deprecated' | 'retired';
}

/** One configured provider's side of the chain. */
export interface ProviderCatalog {
  provider: ProviderName;
  /** The provider's list; undefined when it could not be listed (yet). */
  models?: CatalogModel[];
  /** The models to use when nothing was ever listed (or, for an OpenAI-compatible endpoint, the configured ones). */
  fallback: string[];
  /** Models this provider should contribute, in this order, instead of its whole discovered list. */
  preferred?: string[];
}

export type ChainSource = 'discovered' | 'override' | 'discovered-after-unmatched-override';

export interface ResolvedChain {
  /** Ref keys ("provider:model") in calling order. */
  chain: string[];
  /** Models the override named that no configured provider serves (skipped, reported). */
  missing: string[];
  /** Why each missing model is missing ("no ANTHROPIC_API_KEY", "not listed", "retired"). */
  missingReasons: Record<string, string>;
  /** Override entries that were resolved to another listed id: requested → ref key called. */
  normalised: Record<string, string>;
  source: ChainSource;
}

/** Kinds of models that cannot answer a text prompt with structured JSON. */
const NOT_TEXT_MODELS =
  /(embed|aqa|tts|image|imagine|audio|live|veo|imagen|computer-use|robotics|vision|video|whisper|dall-e|moderation|rerank|transcribe)/i;

/** Family preference inside a tier and version: the cheaper model that triages well first, the dearest last. */
function familyRank(provider: ProviderName, id: string): number {
  const families: Record<ProviderName, RegExp[]> = {
    gemini: [/flash(?!-lite)/, /pro/, /flash-lite/],
    anthropic: [/haiku/, /sonnet/, /opus/],
    xai: [/fast/, /mini/, /^grok-\d/, /code/],
    'openai-compatible': [],
  };
  const rank = families[provider].findIndex((pattern) => pattern.test(id));
  return rank < 0 ? families[provider].length : rank;
}

const FAMILY_PREFIX: Record<ProviderName, RegExp> = {
  gemini: /^gemini/i,
  anthropic: /^claude/i,
  xai: /^grok/i,
  'openai-compatible': /./,
};

export function stripModelPrefix(name: string): string {
  return name.replace(/^models\//, '');
}

/** Models a provider lists that can be called for text with a JSON answer (retired ones never). */
export function usableModels(provider: ProviderName, models: CatalogModel[]): CatalogModel[] {
  return models.filter(
    (model) =>
      model.generatesContent &&
      model.lifecycle !== 'retired' &&
      FAMILY_PREFIX[provider].test(stripModelPrefix(model.id)) &&
      !NOT_TEXT_MODELS.test(model.id),
  );
}

/**
 * Discovered order within one provider: stable → preview → experimental, active before deprecated,
 * newest version first, then the family that triages best for its cost. An OpenAI-compatible endpoint
 * keeps its own order inside each tier (its ids follow no convention).
 */
export function orderDiscovered(provider: ProviderName, models: CatalogModel[]): string[] {
  const usable = usableModels(provider, models);
  const deprecated = new Set(usable.filter((m) => m.lifecycle === 'deprecated').map((m) => stripModelPrefix(m.id)));
  const ids = [...new Set(usable.map((model) => stripModelPrefix(model.id)))];
  const byTier = (a: string, b: string): number =>
    TIER_ORDER.indexOf(modelTier(a)) - TIER_ORDER.indexOf(modelTier(b)) ||
    Number(deprecated.has(a)) - Number(deprecated.has(b));
  if (provider === 'openai-compatible') return ids.sort(byTier);
  return ids.sort(
    (a, b) =>
      byTier(a, b) ||
      compareVersionsDescending(a, b) ||
      familyRank(provider, a) - familyRank(provider, b) ||
      b.localeCompare(a),
  );
}

function listedIds(catalog: ProviderCatalog): string[] | undefined {
  return catalog.models ? usableModels(catalog.provider, catalog.models).map((m) => stripModelPrefix(m.id)) : undefined;
}

/** The models one provider contributes to a discovered chain. */
function discoveredFor(catalog: ProviderCatalog): string[] {
  const listed = listedIds(catalog);
  if (catalog.preferred?.length) {
    if (!listed) return catalog.preferred;
    return catalog.preferred.flatMap((id) => nearestListed(id, listed)?.id ?? []);
  }
  return catalog.models ? orderDiscovered(catalog.provider, catalog.models) : catalog.fallback;
}

/**
 * The chain to use. Providers come in the order given. With an override, its order wins: each entry
 * is matched to a listed id (exactly, normalised, or the nearest release of the same model) and
 * entries that cannot be served are skipped and reported. An override that matches nothing falls
 * back to the discovered chain, so a wrong setting is loud but never leaves the gateway without models.
 */
export function resolveChain(catalogs: ProviderCatalog[], override: ModelRef[]): ResolvedChain {
  const discovered = [
    ...new Set(catalogs.flatMap((c) => discoveredFor(c).map((model) => refKey({ provider: c.provider, model })))),
  ];
  const result: ResolvedChain = { chain: [], missing: [], missingReasons: {}, normalised: {}, source: 'discovered' };
  if (override.length === 0) return { ...result, chain: discovered };

  const chain = new Set<string>();
  for (const wanted of override) {
    const requested = refKey(wanted);
    const catalog = catalogs.find((c) => c.provider === wanted.provider);
    const miss = (reason: string): void => {
      if (!result.missing.includes(requested)) result.missing.push(requested);
      result.missingReasons[requested] = reason;
    };
    if (!catalog) {
      miss('provider not configured (no key)');
      continue;
    }
    const listed = listedIds(catalog);
    if (!listed) {
      chain.add(requested); // cannot be checked now: trusted as written
      continue;
    }
    const match = nearestListed(wanted.model, listed);
    if (!match) {
      const retired = catalog.models?.some(
        (m) => m.lifecycle === 'retired' && canonicalModelId(m.id) === canonicalModelId(wanted.model),
      );
      miss(retired ? 'retired' : 'not listed');
      continue;
    }
    const resolved = refKey({ provider: wanted.provider, model: match.id });
    if (match.match !== 'exact') result.normalised[requested] = resolved;
    chain.add(resolved);
  }
  if (chain.size === 0) return { ...result, chain: discovered, source: 'discovered-after-unmatched-override' };
  return { ...result, chain: [...chain], source: 'override' };
}

/** Splits a comma list of model specs ("a, provider:b ,c"); empty → no override. Specs are parsed by parseModelList. */
export function parseFallbackModels(value: string | undefined): string[] {
  return (value ?? '')
    .split(',')
    .map((item) => stripModelPrefix(item.trim()))
    .filter((item) => item.length > 0);
}
