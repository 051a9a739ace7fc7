// Gemini through the maintained SDK, @google/genai. GEMINI_BASE_URL (baseUrl) points it elsewhere (the
// fake in tests). The SDK's own retries stay off: the gateway classifies and retries.
import { ApiError, GoogleGenAI } from '@google/genai';
import { stripModelPrefix, type CatalogModel } from '../../core/model/chain';
import { classifyHttpFailure } from '../../core/model/classify';
import {
  ProviderError,
  withCallDeadline,
  type ModelProvider,
  type ProviderAnswer,
  type ProviderCall,
} from './provider';

/** Finish reasons that mean a safety or policy filter stopped the answer. */
const FILTERED = new Set(['SAFETY', 'RECITATION', 'BLOCKLIST', 'PROHIBITED_CONTENT', 'SPII', 'IMAGE_SAFETY']);

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
      try {
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
      } catch (error) {
        throw toProviderError(error, undefined);
      }
    },

    async generate(call: ProviderCall): Promise<ProviderAnswer> {
      // The SDK's ApiError has the status but not the headers; this fetch keeps Retry-After for us.
      let retryAfterHeader: string | null = null;
      const capturingFetch: typeof fetch = async (input, init) => {
        const response = await fetch(input, init);
        retryAfterHeader = response.headers.get('retry-after');
        return response;
      };
      return withCallDeadline(
        call.timeoutMs,
        async (signal) => {
          const response = await client.models.generateContent({
            model: call.model,
            contents: [{ role: 'user', parts: [{ text: call.prompt }] }],
            config: {
              systemInstruction: call.system,
              responseMimeType: 'application/json',
              responseJsonSchema: call.responseSchema,
              maxOutputTokens: call.maxOutputTokens,
              abortSignal: signal,
              httpOptions: { fetch: capturingFetch },
            },
          });
          const usage = response.usageMetadata;
          const finishReason = response.candidates?.[0]?.finishReason;
          return {
            text: response.text,
            inputTokens: usage?.promptTokenCount ?? 0,
            outputTokens: (usage?.candidatesTokenCount ?? 0) + (usage?.thoughtsTokenCount ?? 0),
            blocked:
              Boolean(response.promptFeedback?.blockReason) || (finishReason ? FILTERED.has(finishReason) : false),
          };
        },
        (error) => toProviderError(error, retryAfterHeader),
      );
    },
  };
}

/** An SDK failure as a classified ProviderError (never carrying the vendor's text, which may echo the prompt). */
function toProviderError(error: unknown, retryAfterHeader: string | null | undefined): ProviderError {
  if (!(error instanceof ApiError)) return new ProviderError('network');
  const { errorClass, retryAfterMs } = classifyHttpFailure(
    'gemini',
    { status: error.status, retryAfter: retryAfterHeader, body: errorBodyOf(error) },
    Date.now(),
  );
  return new ProviderError(errorClass, error.status, retryAfterMs);
}

/** The JSON error envelope the SDK puts in the message ({error:{code,message,status,details}}). */
function errorBodyOf(error: ApiError): unknown {
  try {
    return JSON.parse(error.message) as unknown;
  } catch {
    return undefined;
  }
}
