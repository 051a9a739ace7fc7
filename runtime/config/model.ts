// The model gateway's settings (task queue healer-llm) from the environment.
import { readFileSync } from 'node:fs';
import { DEFAULT_GATEWAY_CONFIG, type ModelGatewayConfig } from '../../core/model/gateway-config';
import { parsePriceOverrides, type PriceTable } from '../../core/model/prices';
import { parseModelList, PROVIDER_NAMES, providerNamed, type ProviderName } from '../../core/model/providers';
import { ConfigError } from './errors';
import type { EnvReader } from './reader';
import type { EnvVarName } from './env-vars';

const HOUR_MS = 3_600_000;

export function readModelGateway(r: EnvReader): ModelGatewayConfig {
  const base = DEFAULT_GATEWAY_CONFIG;
  return {
    ...base,
    retry: {
      ...base.retry,
      backoffBaseMs: r.number('HEALER_MODEL_BACKOFF_BASE_MS', base.retry.backoffBaseMs, 0),
      retryAfterCapMs: r.number('HEALER_MODEL_RETRY_AFTER_CAP_MS', base.retry.retryAfterCapMs, 0),
    },
    breaker: {
      failureThreshold: r.int('HEALER_BREAKER_FAILURES', base.breaker.failureThreshold, 1, 1000),
      coolDownMs: r.number('HEALER_BREAKER_COOLDOWN_MS', base.breaker.coolDownMs, 0),
    },
    callTimeoutMs: r.int('HEALER_MODEL_CALL_TIMEOUT_MS', base.callTimeoutMs, 1, HOUR_MS),
    chainDeadlineMs: r.int('HEALER_MODEL_CHAIN_DEADLINE_MS', base.chainDeadlineMs, 1, 24 * HOUR_MS),
    discoveryRefreshMs: r.int('HEALER_MODEL_DISCOVERY_REFRESH_MS', base.discoveryRefreshMs, 1000, 7 * 24 * HOUR_MS),
    providers: readProviders(r),
    providerOrder: readProviderOrder(r),
    fallbackModels: modelList(r, 'HEALER_FALLBACK_MODELS'),
    roleModels: {
      evaluate: modelList(r, 'HEALER_EVALUATION_MODELS'),
      remediate: modelList(r, 'HEALER_REMEDIATION_MODELS'),
    },
    dailyBudgetUsd: r.number('HEALER_DAILY_BUDGET_USD', base.dailyBudgetUsd, 0),
    onBudgetExhausted: r.oneOf('HEALER_BUDGET_MODE', ['fallback', 'wait'], base.onBudgetExhausted),
    ...readPrices(r),
  };
}

/** A model list (`provider:model` or a gemini-*, claude-*, grok-* id), checked here so a typo stops the start. */
function modelList(r: EnvReader, name: EnvVarName): string[] {
  const specs = r.list(name, []);
  try {
    parseModelList(specs.join(','), name);
  } catch (error) {
    throw new ConfigError(name, (error as Error).message.replace(/^\S+: expected /, ''));
  }
  return specs;
}

/** Each vendor's key and base URL; an OpenAI-compatible endpoint is its base URL (a key is optional). */
function readProviders(r: EnvReader): ModelGatewayConfig['providers'] {
  const compatibleKey = r.raw('OPENAI_COMPATIBLE_API_KEY');
  const compatibleUrl = r.url('OPENAI_COMPATIBLE_BASE_URL');
  if (compatibleKey && !compatibleUrl)
    throw new ConfigError('OPENAI_COMPATIBLE_BASE_URL', 'the endpoint URL when OPENAI_COMPATIBLE_API_KEY is set');
  const models = r.list('OPENAI_COMPATIBLE_MODELS', []);
  return {
    gemini: { apiKey: r.raw('GEMINI_API_KEY'), baseUrl: r.url('GEMINI_BASE_URL') },
    anthropic: { apiKey: r.raw('ANTHROPIC_API_KEY'), baseUrl: r.url('ANTHROPIC_BASE_URL') },
    xai: { apiKey: r.raw('XAI_API_KEY'), baseUrl: r.url('XAI_BASE_URL') },
    'openai-compatible': { apiKey: compatibleKey, baseUrl: compatibleUrl, ...(models.length ? { models } : {}) },
  };
}

function readProviderOrder(r: EnvReader): ProviderName[] {
  return r.list('HEALER_PROVIDERS', []).map((name) => {
    const provider = providerNamed(name);
    if (!provider) throw new ConfigError('HEALER_PROVIDERS', `a comma list of ${PROVIDER_NAMES.join(', ')}`, name);
    return provider;
  });
}

/** The built-in table, then HEALER_MODEL_PRICES_FILE, then HEALER_MODEL_PRICES over both. */
function readPrices(r: EnvReader): { prices: PriceTable; pricesFile?: string } {
  const file = r.raw('HEALER_MODEL_PRICES_FILE');
  let base: PriceTable | undefined;
  if (file) {
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch (error) {
      throw new ConfigError('HEALER_MODEL_PRICES_FILE', `a readable JSON file (${(error as Error).message})`, file);
    }
    try {
      base = parsePriceOverrides(text, undefined, 'HEALER_MODEL_PRICES_FILE');
    } catch (error) {
      const [, key, expected] = /^(\S+): expected (.*)$/.exec((error as Error).message) ?? [];
      throw new ConfigError(key ?? 'HEALER_MODEL_PRICES_FILE', expected ?? (error as Error).message);
    }
  }
  const prices = r.json('HEALER_MODEL_PRICES', (text) => parsePriceOverrides(text, base));
  return file ? { prices, pricesFile: file } : { prices };
}
