// Gemini through the maintained SDK, @google/genai. GEMINI_BASE_URL (baseUrl) points it elsewhere (the
// fake in tests). The SDK's own retries stay off: the gateway classifies and retries.
import { ApiError, GoogleGenAI } from '@google/genai';
import { stripModelPrefix, type CatalogModel } from '../../core/model/chain';
import { classifyHttpStatus, parseRetryAfterMs } from '../../core/model/retry';
import { ProviderError, type ModelProvider, type ProviderAnswer, type ProviderCall } from './provider';

export interface GeminiProviderOptions {
  apiKey: string;
  baseUrl?: string;
  /** Page size for model discovery. */
  pageSize?: number;
  /** The SDK defaults to v1; structured output with a JSON schema and system instructions are v1beta. */
  apiVersion?: string;
}

export function createGeminiProvider(options: GeminiProviderOptions): ModelProvider {
  // Our own fetch (the runtime's): the SDK's default path reaches for undici's global dispatcher, which
  // sandboxed runtimes (jest's vm) do not expose. Timeouts are ours (per call), so nothing is lost.
  const plainFetch: typeof fetch = (input, init) => fetch(input, init);
  const client = new GoogleGenAI({
    apiKey: options.apiKey,
    apiVersion: options.apiVersion ?? 'v1beta',
    httpOptions: { ...(options.baseUrl ? { baseUrl: options.baseUrl } : {}), fetch: plainFetch },
  });

  return {
    name: 'gemini',

    async listModels(timeoutMs) {
      const models: CatalogModel[] = [];
      const pager = await client.models.list({
        config: { pageSize: options.pageSize ?? 50, httpOptions: { timeout: timeoutMs } },
      });
      for await (const model of pager) {
        if (!model.name) continue;
        models.push({
          id: stripModelPrefix(model.name),
          generatesContent: (model.supportedActions ?? []).includes('generateContent'),
        });
      }
      return models;
    },

    async generate(call: ProviderCall): Promise<ProviderAnswer> {
      const abort = new AbortController();
      let timedOut = false;
      const timer = setTimeout(() => {
        timedOut = true;
        abort.abort();
      }, call.timeoutMs);
      // The SDK's ApiError has the status but not the headers; this fetch keeps Retry-After for us.
      let retryAfterHeader: string | null = null;
      const capturingFetch: typeof fetch = async (input, init) => {
        const response = await fetch(input, init);
        retryAfterHeader = response.headers.get('retry-after');
        return response;
      };
      try {
        const response = await client.models.generateContent({
          model: call.model,
          contents: [{ role: 'user', parts: [{ text: call.prompt }] }],
          config: {
            systemInstruction: call.system,
            responseMimeType: 'application/json',
            responseJsonSchema: call.responseSchema,
            maxOutputTokens: call.maxOutputTokens,
            abortSignal: abort.signal,
            httpOptions: { fetch: capturingFetch },
          },
        });
        const usage = response.usageMetadata;
        return {
          text: response.text,
          inputTokens: usage?.promptTokenCount ?? 0,
          outputTokens: (usage?.candidatesTokenCount ?? 0) + (usage?.thoughtsTokenCount ?? 0),
        };
      } catch (error) {
        if (timedOut) throw new ProviderError('timeout');
        if (error instanceof ApiError) {
          const retryAfterMs =
            parseRetryAfterMs(retryAfterHeader, Date.now()) ?? parseRetryAfterMs(retryDelayOf(error), Date.now());
          const errorClass =
            error.status === 400 && /API_KEY_INVALID/.test(error.message) ? 'auth' : classifyHttpStatus(error.status);
          throw new ProviderError(errorClass, error.status, retryAfterMs);
        }
        throw new ProviderError('network');
      } finally {
        clearTimeout(timer);
      }
    },
  };
}

/** Google's RetryInfo detail ("retryDelay": "7s") inside the JSON error envelope the SDK puts in the message. */
function retryDelayOf(error: ApiError): string | undefined {
  try {
    const body = JSON.parse(error.message) as { error?: { details?: { '@type'?: string; retryDelay?: string }[] } };
    return body.error?.details?.find((detail) => detail['@type']?.endsWith('RetryInfo'))?.retryDelay;
  } catch {
    return undefined;
  }
}
