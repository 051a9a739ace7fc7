// Claude through Anthropic's official SDK (@anthropic-ai/sdk), Messages API. ANTHROPIC_BASE_URL
// (baseUrl) points it elsewhere (the fake in tests). The SDK's own retries are off: the gateway
// classifies and Temporal retries.
//
// Structured output is a forced tool call: one tool whose input schema is the answer's schema, and
// tool_choice naming it. Every Claude model supports it (native JSON-schema output does not reach the
// older ones), and the tool's input arrives as a parsed object.
import Anthropic, { APIConnectionTimeoutError, APIError, APIUserAbortError } from '@anthropic-ai/sdk';
import type { CatalogModel } from '../../core/model/chain';
import { classifyHttpFailure } from '../../core/model/classify';
import {
  ProviderError,
  withCallDeadline,
  type ModelProvider,
  type ProviderAnswer,
  type ProviderCall,
} from './provider';

export interface AnthropicProviderOptions {
  apiKey: string;
  baseUrl?: string;
  /** Models per page when listing. */
  pageSize?: number;
}

export const ANTHROPIC_DEFAULT_BASE_URL = 'https://api.anthropic.com';
const ANSWER_TOOL = 'answer';

export function createAnthropicProvider(options: AnthropicProviderOptions): ModelProvider {
  const client = new Anthropic({
    apiKey: options.apiKey,
    authToken: null,
    webhookKey: null,
    baseURL: options.baseUrl ?? ANTHROPIC_DEFAULT_BASE_URL,
    maxRetries: 0,
    // The runtime's fetch (as for Gemini: sandboxed runtimes lack undici's global dispatcher).
    fetch: (input, init) => fetch(input, init),
  });

  return {
    name: 'anthropic',

    async listModels(timeoutMs) {
      try {
        const models: CatalogModel[] = [];
        for await (const model of client.models.list({ limit: options.pageSize ?? 50 }, { timeout: timeoutMs })) {
          models.push({ id: model.id, generatesContent: true, lifecycle: model.lifecycle ?? 'active' });
        }
        return models;
      } catch (error) {
        throw toProviderError(error);
      }
    },

    generate(call: ProviderCall): Promise<ProviderAnswer> {
      return withCallDeadline(
        call.timeoutMs,
        async (signal) => {
          const message = await client.messages.create(
            {
              model: call.model,
              max_tokens: call.maxOutputTokens ?? 1024,
              system: call.system,
              messages: [{ role: 'user', content: call.prompt }],
              tools: [
                {
                  name: ANSWER_TOOL,
                  description: 'Give the answer; its input is the whole answer.',
                  input_schema: { type: 'object', ...call.responseSchema },
                },
              ],
              tool_choice: { type: 'tool', name: ANSWER_TOOL },
            },
            { signal, timeout: call.timeoutMs, maxRetries: 0 },
          );
          const toolUse = message.content.find((block) => block.type === 'tool_use' && block.name === ANSWER_TOOL);
          const text =
            toolUse?.type === 'tool_use'
              ? JSON.stringify(toolUse.input)
              : message.content.flatMap((block) => (block.type === 'text' ? [block.text] : [])).join('') || undefined;
          return {
            text,
            inputTokens: message.usage.input_tokens,
            outputTokens: message.usage.output_tokens,
            blocked: message.stop_reason === 'refusal',
          };
        },
        (error) => toProviderError(error),
      );
    },
  };
}

/** An SDK failure as a classified ProviderError (never carrying the vendor's text, which may echo the prompt). */
function toProviderError(error: unknown): ProviderError {
  if (error instanceof APIConnectionTimeoutError) return new ProviderError('timeout');
  if (error instanceof APIUserAbortError || !(error instanceof APIError) || error.status === undefined)
    return new ProviderError('network');
  const { errorClass, retryAfterMs } = classifyHttpFailure(
    'anthropic',
    {
      status: error.status,
      retryAfterMs: error.headers?.get('retry-after-ms'),
      retryAfter: error.headers?.get('retry-after'),
      body: error.error,
    },
    Date.now(),
  );
  return new ProviderError(errorClass, error.status, retryAfterMs);
}
