// A fake OpenAI-style chat-completions API: xAI's (XAI_BASE_URL) or a self-hosted OpenAI-compatible
// endpoint's (OPENAI_COMPATIBLE_BASE_URL), spoken to by the real `openai` SDK. Under /v1:
//   GET  /v1/models              → {object:'list', data:[{id, object:'model', created, owned_by}]}
//   POST /v1/chat/completions    → {choices:[{message:{content}, finish_reason}], usage:{prompt_tokens, completion_tokens, total_tokens}}
// Errors as each flavour sends them: xAI {code, error:"…"} (a wrong key is a 400 "Incorrect API key
// provided"), OpenAI {error:{message, type, code}} (401 invalid_api_key, 404 model_not_found). xAI
// reports reasoning tokens beside completion_tokens. Every request is recorded.
import type { IncomingMessage, ServerResponse } from 'node:http';
import {
  retryAfterHeader,
  safeJson,
  ScriptedModelServer,
  type FakeModel,
  type RecordedRequest,
  type Send,
} from './model-server';

export type Flavour = 'xai' | 'openai';

export interface FakeOpenAiCompatibleOptions {
  flavour?: Flavour;
  apiKey?: string;
  models?: FakeModel[];
  /** Answer of an `ok` behaviour without its own answer. */
  defaultAnswer?: unknown;
}

interface ChatBody {
  model?: string;
  messages?: { role: string; content?: string }[];
}

export class FakeOpenAiCompatible extends ScriptedModelServer {
  readonly flavour: Flavour;
  private readonly apiKey: string;
  private readonly defaultAnswer: unknown;

  constructor(options: FakeOpenAiCompatibleOptions = {}) {
    const flavour = options.flavour ?? 'xai';
    super(
      options.models ??
        (flavour === 'xai' ? [{ id: 'grok-4-fast-non-reasoning' }, { id: 'grok-4' }] : [{ id: 'llama-3.3-70b' }]),
    );
    this.flavour = flavour;
    this.apiKey = options.apiKey ?? (flavour === 'xai' ? 'test-xai-key' : 'test-openai-key');
    this.defaultAnswer = options.defaultAnswer ?? { ok: true };
  }

  /** The base URL clients are given (the API lives under /v1). */
  get baseUrl(): string {
    return `${this.url}/v1`;
  }

  protected apiKeyOf(req: IncomingMessage): string | undefined {
    return /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1];
  }

  protected async handle(record: RecordedRequest, url: URL, res: ServerResponse, send: Send): Promise<void> {
    const body = (safeJson(record.body) ?? {}) as ChatBody;
    const chat = record.method === 'POST' && url.pathname === '/v1/chat/completions';
    if (chat) record.model = body.model;
    if (record.apiKey !== this.apiKey) {
      return this.flavour === 'xai'
        ? this.error(
            send,
            400,
            `Incorrect API key provided: ${(record.apiKey ?? '').slice(0, 2)}***. You can obtain an API key from https://console.x.ai.`,
            'Client specified an invalid argument',
          )
        : this.error(send, 401, 'Incorrect API key provided.', 'invalid_api_key');
    }
    if (record.method === 'GET' && url.pathname === '/v1/models') {
      return send(200, {
        object: 'list',
        data: this.models.map((m) => ({ id: m.id, object: 'model', created: 1_750_000_000, owned_by: this.flavour })),
      });
    }
    if (chat) {
      if (!this.models.some((m) => m.id === record.model && m.lifecycle !== 'retired')) {
        return this.flavour === 'xai'
          ? this.error(
              send,
              404,
              `The model ${record.model} does not exist or your team does not have access to it.`,
              'Some requested entity was not found',
            )
          : this.error(send, 404, `The model \`${record.model}\` does not exist.`, 'model_not_found');
      }
      return this.complete(record, body, res, send);
    }
    return this.error(send, 404, `Not found: ${record.method} ${url.pathname}`, 'not_found');
  }

  private error(send: Send, status: number, message: string, code: string, headers: Record<string, string> = {}): void {
    const payload =
      this.flavour === 'xai'
        ? { code, error: message }
        : { error: { message, type: status >= 500 ? 'server_error' : 'invalid_request_error', param: null, code } };
    send(status, payload, headers);
  }

  private async complete(record: RecordedRequest, body: ChatBody, res: ServerResponse, send: Send): Promise<void> {
    const behaviour = await this.behaviourFor(record, res);
    if (!behaviour) return;
    const prompt = body.messages?.find((m) => m.role === 'user')?.content ?? '';
    const completion = (
      content: string | null,
      finishReason: string,
      inputTokens = 100,
      outputTokens = 20,
      reasoningTokens = 0,
      refusal: string | null = null,
    ): unknown => ({
      id: `chatcmpl-fake-${this.requests.length}`,
      object: 'chat.completion',
      created: Math.floor(Date.now() / 1000),
      model: record.model,
      choices: [{ index: 0, message: { role: 'assistant', content, refusal }, finish_reason: finishReason }],
      usage: {
        prompt_tokens: inputTokens,
        // xAI counts reasoning beside the completion, OpenAI inside it.
        completion_tokens: this.flavour === 'xai' ? outputTokens : outputTokens + reasoningTokens,
        total_tokens: inputTokens + outputTokens + reasoningTokens,
        completion_tokens_details: { reasoning_tokens: reasoningTokens },
      },
    });
    switch (behaviour.kind) {
      case 'ok':
        return send(
          200,
          completion(
            JSON.stringify(behaviour.answer ?? this.defaultAnswer),
            'stop',
            behaviour.inputTokens,
            behaviour.outputTokens,
            behaviour.reasoningTokens,
          ),
        );
      case 'text':
        return send(200, completion(behaviour.text, 'stop'));
      case 'empty':
        return send(200, completion('', 'length', 100, 0));
      case 'blocked':
        return send(200, completion(null, 'content_filter', 100, 0, 0, 'I can’t help with that.'));
      case 'status':
        return this.error(
          send,
          behaviour.status,
          (behaviour.message ?? `scripted ${behaviour.status}`) +
            (behaviour.echoPrompt ? ` while processing: ${prompt}` : ''),
          behaviour.errorType ?? (behaviour.status === 429 ? 'rate_limit_exceeded' : 'error'),
          retryAfterHeader(behaviour),
        );
    }
  }
}

export async function startFakeOpenAiCompatible(
  options: FakeOpenAiCompatibleOptions = {},
): Promise<FakeOpenAiCompatible> {
  return new FakeOpenAiCompatible(options).start();
}

/** The fake xAI API (grok models, xAI's error shapes). */
export async function startFakeXai(
  options: Omit<FakeOpenAiCompatibleOptions, 'flavour'> = {},
): Promise<FakeOpenAiCompatible> {
  return startFakeOpenAiCompatible({ ...options, flavour: 'xai' });
}
