// Model providers and model references. A model is named across providers as "provider:model"
// (its ref key): breakers, prices, statistics and the chain all use it, so a model id served by two
// providers (a Claude model behind an OpenAI-compatible proxy) stays two models.

export const PROVIDER_NAMES = ['gemini', 'anthropic', 'xai', 'openai-compatible'] as const;
export type ProviderName = (typeof PROVIDER_NAMES)[number];

/** The environment variable holding each provider's key (named in errors and /health/api). */
export const PROVIDER_KEY_VARS: Record<ProviderName, string> = {
  gemini: 'GEMINI_API_KEY',
  anthropic: 'ANTHROPIC_API_KEY',
  xai: 'XAI_API_KEY',
  'openai-compatible': 'OPENAI_COMPATIBLE_API_KEY',
};

export const PROVIDER_BASE_URL_VARS: Record<ProviderName, string> = {
  gemini: 'GEMINI_BASE_URL',
  anthropic: 'ANTHROPIC_BASE_URL',
  xai: 'XAI_BASE_URL',
  'openai-compatible': 'OPENAI_COMPATIBLE_BASE_URL',
};

/** Names people write for a provider in `provider:model`. */
const PROVIDER_ALIASES: Record<string, ProviderName> = {
  gemini: 'gemini',
  google: 'gemini',
  anthropic: 'anthropic',
  claude: 'anthropic',
  xai: 'xai',
  grok: 'xai',
  'openai-compatible': 'openai-compatible',
  openai: 'openai-compatible',
  compatible: 'openai-compatible',
};

export interface ModelRef {
  provider: ProviderName;
  model: string;
}

export function providerNamed(name: string): ProviderName | undefined {
  return PROVIDER_ALIASES[name.trim().toLowerCase()];
}

/** The provider a bare model id belongs to, from its family prefix (gemini-*, claude-*, grok-*). */
export function inferProvider(model: string): ProviderName | undefined {
  const id = model.replace(/^models\//, '').toLowerCase();
  if (id.startsWith('gemini-')) return 'gemini';
  if (id.startsWith('claude-')) return 'anthropic';
  if (id.startsWith('grok-')) return 'xai';
  return undefined;
}

export const refKey = (ref: ModelRef): string => `${ref.provider}:${ref.model}`;

/** The breaker key covering every model of a provider (opened by a rejected key or an exhausted quota). */
export const providerKey = (provider: ProviderName): string => `${provider}:*`;

export function parseRefKey(key: string): ModelRef {
  const colon = key.indexOf(':');
  const provider = providerNamed(key.slice(0, colon));
  if (colon < 0 || !provider) throw new Error(`not a model ref key: ${key}`);
  return { provider, model: key.slice(colon + 1) };
}

/**
 * One entry of a model list (HEALER_FALLBACK_MODELS and the per-role lists): `provider:model`, or a
 * bare id whose provider is inferred. Throws with the entry when the provider cannot be told.
 */
export function parseModelSpec(spec: string): ModelRef {
  const text = spec.trim();
  const colon = text.indexOf(':');
  if (colon > 0) {
    const provider = providerNamed(text.slice(0, colon));
    if (!provider)
      throw new Error(`"${text}": unknown provider "${text.slice(0, colon)}" (expected ${PROVIDER_NAMES.join(', ')})`);
    const model = text.slice(colon + 1).replace(/^models\//, '');
    if (!model) throw new Error(`"${text}": no model after the provider`);
    return { provider, model };
  }
  const provider = inferProvider(text);
  if (!provider) throw new Error(`"${text}": cannot tell its provider; write it as provider:model`);
  return { provider, model: text.replace(/^models\//, '') };
}

/** A comma list of model specs; empty → no override. Throws `KEY: …` naming the entry at fault. */
export function parseModelList(value: string | undefined, key: string): ModelRef[] {
  const specs = (value ?? '')
    .split(',')
    .map((item) => item.trim())
    .filter((item) => item.length > 0);
  try {
    return specs.map(parseModelSpec);
  } catch (error) {
    throw new Error(`${key}: expected provider:model or a gemini-*/claude-*/grok-* id; ${(error as Error).message}`);
  }
}
