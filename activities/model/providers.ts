// Builds the configured providers' clients, in chain order. A provider is configured when its key is set
// (an OpenAI-compatible endpoint: when its base URL is set, since a local server may take no key).
import type { ModelGatewayConfig, ProviderSettings } from '../../core/model/gateway-config';
import { PROVIDER_NAMES, type ProviderName } from '../../core/model/providers';
import { createAnthropicProvider } from './anthropic-provider';
import { orderProviders } from './discovery';
import { createGeminiProvider } from './gemini-provider';
import { createOpenAiCompatibleProvider, XAI_DEFAULT_BASE_URL } from './openai-compatible-provider';
import type { ModelProvider } from './provider';

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
      return createGeminiProvider({ apiKey: settings.apiKey ?? '', baseUrl: settings.baseUrl, pageSize });
    case 'anthropic':
      return createAnthropicProvider({ apiKey: settings.apiKey ?? '', baseUrl: settings.baseUrl, pageSize });
    case 'xai':
      return createOpenAiCompatibleProvider({
        name: 'xai',
        apiKey: settings.apiKey,
        baseUrl: settings.baseUrl ?? XAI_DEFAULT_BASE_URL,
      });
    case 'openai-compatible':
      return createOpenAiCompatibleProvider({
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
