// xAI (Grok) and any OpenAI-compatible endpoint (vLLM, Ollama, a LiteLLM proxy) through the official
// `openai` SDK's chat completions: xAI documents its API as OpenAI-compatible, so one client serves
// both, pointed at XAI_BASE_URL or OPENAI_COMPATIBLE_BASE_URL. The SDK's own retries are off: the
// gateway classifies and Temporal retries. Structured output is response_format json_schema.
import OpenAI, { APIConnectionTimeoutError, APIError, APIUserAbortError } from 'openai';
import type { CatalogModel } from '../../core/model/chain';
import { classifyHttpFailure } from '../../core/model/classify';
import type { ProviderName } from '../../core/model/providers';
import {
  ProviderError,
  withCallDeadline,
  type ModelProvider,
  type ProviderAnswer,
  type ProviderCall,
} from './provider';

export interface OpenAiCompatibleProviderOptions {
  name: Extract<ProviderName, 'xai' | 'openai-compatible'>;
  /** A local server may take none. */
  apiKey?: string;
  baseUrl: string;
}

export const XAI_DEFAULT_BASE_URL = 'https://api.x.ai/v1';

export function createOpenAiCompatibleProvider(options: OpenAiCompatibleProviderOptions): ModelProvider {
  const client = new OpenAI({
    apiKey: options.apiKey ?? 'no-key',
    baseURL: options.baseUrl,
    organization: null,
    project: null,
    webhookSecret: null,
    maxRetries: 0,
    fetch: (input, init) => fetch(input, init),
  });
  const provider = options.name;

  return {
    name: provider,

    async listModels(timeoutMs) {
      try {
        const models: CatalogModel[] = [];
        for await (const model of client.models.list({ timeout: timeoutMs })) {
          models.push({ id: model.id, generatesContent: true });
        }
        return models;
      } catch (error) {
        throw toProviderError(provider, error);
      }
    },

    generate(call: ProviderCall): Promise<ProviderAnswer> {
      return withCallDeadline(
        call.timeoutMs,
        async (signal) => {
          const completion = await client.chat.completions.create(
            {
              model: call.model,
              messages: [
                { role: 'system', content: call.system },
                { role: 'user', content: call.prompt },
              ],
              // xAI wants max_completion_tokens for its reasoning models; local servers know max_tokens.
              ...(provider === 'xai'
                ? { max_completion_tokens: call.maxOutputTokens }
                : { max_tokens: call.maxOutputTokens }),
              response_format: {
                type: 'json_schema',
                json_schema: { name: 'answer', schema: call.responseSchema, strict: false },
              },
            },
            { signal, timeout: call.timeoutMs, maxRetries: 0 },
          );
          const choice = completion.choices[0];
          const usage = completion.usage;
          const inputTokens = usage?.prompt_tokens ?? 0;
          // xAI reports reasoning tokens beside completion_tokens, OpenAI inside them; the total counts both.
          const outputTokens = Math.max(usage?.completion_tokens ?? 0, (usage?.total_tokens ?? 0) - inputTokens);
          return {
            text: choice?.message?.content ?? undefined,
            inputTokens,
            outputTokens,
            blocked: choice?.finish_reason === 'content_filter' || Boolean(choice?.message?.refusal),
          };
        },
        (error) => toProviderError(provider, error),
      );
    },
  };
}

function toProviderError(provider: ProviderName, error: unknown): ProviderError {
  if (error instanceof APIConnectionTimeoutError) return new ProviderError('timeout');
  if (error instanceof APIUserAbortError || !(error instanceof APIError) || error.status === undefined)
    return new ProviderError('network');
  const { errorClass, retryAfterMs } = classifyHttpFailure(
    provider,
    {
      status: error.status,
      retryAfterMs: error.headers?.get('retry-after-ms'),
      retryAfter: error.headers?.get('retry-after'),
      // The SDK keeps the body's `error` field: an object for OpenAI's shape, a string for xAI's.
      body: { error: error.error },
    },
    Date.now(),
  );
  return new ProviderError(errorClass, error.status, retryAfterMs);
}
