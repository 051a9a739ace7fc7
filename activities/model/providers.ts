// Builds the configured providers' clients, in chain order. A provider is configured when its key is set
// (an OpenAI-compatible endpoint: when its base URL is set, since a local server may take no key).
// Each provider's SDK is loaded only when that provider is configured: a restarted LLM worker serves
// sooner without the SDKs it does not use.
/* eslint-disable @typescript-eslint/no-require-imports */
import type { ModelGatewayConfig, ProviderSettings } from '../../core/model/gateway-config';
import { PROVIDER_NAMES, type ProviderName } from '../../core/model/providers';
import { orderProviders } from './discovery';
import type { ModelProvider } from './provider';

const gemini = () => require('./gemini-provider') as typeof import('./gemini-provider');
const anthropic = () => require('./anthropic-provider') as typeof import('./anthropic-provider');
const openAiCompatible = () => require('./openai-compatible-provider') as typeof import('./openai-compatible-provider');

export function isConfigured(name: ProviderName, settings: ProviderSettings | undefined): boolean {
  return name === 'openai-compatible' ? Boolean(settings?.baseUrl) : Boolean(settings?.apiKey);
}

export function configuredProviders(config: Pick<ModelGatewayConfig, 'providers' | 'providerOrder'>): ProviderName[] {
  const configured = PROVIDER_NAMES.filter((name) => isConfigured(name, config.providers[name]));
  return orderProviders(configured, config.providerOrder);
}

export function createProvider(name: ProviderName, settings: ProviderSettings, pageSize: number): ModelProvider {
  switch (name) {
    case 'gemini':
      return gemini().createGeminiProvider({ apiKey: settings.apiKey ?? '', baseUrl: settings.baseUrl, pageSize });
    case 'anthropic':
      return anthropic().createAnthropicProvider({
        apiKey: settings.apiKey ?? '',
        baseUrl: settings.baseUrl,
        pageSize,
      });
    case 'xai': {
      const { createOpenAiCompatibleProvider, XAI_DEFAULT_BASE_URL } = openAiCompatible();
      return createOpenAiCompatibleProvider({
        name: 'xai',
        apiKey: settings.apiKey,
        baseUrl: settings.baseUrl ?? XAI_DEFAULT_BASE_URL,
      });
    }
    case 'openai-compatible':
      return openAiCompatible().createOpenAiCompatibleProvider({
        name: 'openai-compatible',
        apiKey: settings.apiKey,
        baseUrl: settings.baseUrl ?? '',
      });
  }
}

export function createProviders(
  config: Pick<ModelGatewayConfig, 'providers' | 'providerOrder' | 'discoveryPageSize'>,
): ModelProvider[] {
  return configuredProviders(config).map((name) =>
    createProvider(name, config.providers[name] ?? {}, config.discoveryPageSize),
  );
}
