// A fake Anthropic Messages API for tests and benchmarks, spoken to by the real @anthropic-ai/sdk client
// (ANTHROPIC_BASE_URL → this server). What the gateway uses, in the real shapes:
//   GET  /v1/models?limit=&after_id=   → {data:[{type:'model', id, display_name, created_at, lifecycle}], has_more, first_id, last_id}
//   POST /v1/messages                  → {type:'message', content:[{type:'tool_use', name, input}], stop_reason, usage}
// Errors are {type:'error', error:{type, message}, request_id}: 401 authentication_error for a wrong
// key (x-api-key or bearer), 404 not_found_error for an unknown or retired model, and scripted 429 rate_limit_error
// (with retry-after), 529 overloaded_error, 5xx api_error and any other status. Every request is recorded.
import type { IncomingMessage, ServerResponse } from 'node:http';
import {
  retryAfterHeader,
  safeJson,
  ScriptedModelServer,
  type FakeModel,
  type RecordedRequest,
  type Send,
} from './model-server';

export interface FakeAnthropicOptions {
  apiKey?: string;
  models?: FakeModel[];
  /** Answer of an `ok` behaviour without its own answer. */
  defaultAnswer?: unknown;
}

const ERROR_TYPES: Record<number, string> = {
  400: 'invalid_request_error',
  401: 'authentication_error',
  402: 'billing_error',
  403: 'permission_error',
  404: 'not_found_error',
  413: 'request_too_large',
  429: 'rate_limit_error',
  500: 'api_error',
  529: 'overloaded_error',
};

interface MessagesBody {
  model?: string;
  messages?: { content?: string }[];
  tools?: { name: string }[];
  tool_choice?: { type: string; name?: string };
}

export class FakeAnthropic extends ScriptedModelServer {
  private readonly apiKey: string;
  private readonly defaultAnswer: unknown;

  constructor(options: FakeAnthropicOptions = {}) {
    super(options.models ?? [{ id: 'claude-haiku-4-5-20251001' }, { id: 'claude-sonnet-4-6' }]);
    this.apiKey = options.apiKey ?? 'test-anthropic-key';
    this.defaultAnswer = options.defaultAnswer ?? { ok: true };
  }

  /** The key as x-api-key, or as a bearer token (how @anthropic-ai/sdk 1.x sends it). */
  protected apiKeyOf(req: IncomingMessage): string | undefined {
    return (
      (req.headers['x-api-key'] as string | undefined) ?? /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1]
    );
  }

  protected async handle(record: RecordedRequest, url: URL, res: ServerResponse, send: Send): Promise<void> {
    const body = (safeJson(record.body) ?? {}) as MessagesBody;
    if (record.method === 'POST' && url.pathname === '/v1/messages') record.model = body.model;
    if (record.apiKey !== this.apiKey) return this.error(send, 401, 'invalid x-api-key');
    if (record.method === 'GET' && url.pathname === '/v1/models') return this.listModels(url, send);
    if (record.method === 'POST' && url.pathname === '/v1/messages') {
      const model = this.models.find((candidate) => candidate.id === record.model);
      if (!model || model.lifecycle === 'retired') return this.error(send, 404, `model: ${record.model}`);
      return this.messages(record, body, res, send);
    }
    return this.error(send, 404, `Not found: ${record.method} ${url.pathname}`);
  }

  private error(
    send: Send,
    status: number,
    message: string,
    extra: { type?: string; code?: string; headers?: Record<string, string> } = {},
  ): void {
    send(
      status,
      {
        type: 'error',
        error: {
          type: extra.type ?? ERROR_TYPES[status] ?? (status >= 500 ? 'api_error' : 'invalid_request_error'),
          message,
          ...(extra.code ? { details: { error_code: extra.code } } : {}),
        },
        request_id: `req_fake_${this.requests.length}`,
      },
      { 'request-id': `req_fake_${this.requests.length}`, ...extra.headers },
    );
  }

  private listModels(url: URL, send: Send): void {
    const lifecycles = url.searchParams.getAll('lifecycle[]').concat(url.searchParams.getAll('lifecycle'));
    const shown = this.models.filter((m) => (m.lifecycle === 'retired' ? lifecycles.includes('retired') : true));
    const limit = Number(url.searchParams.get('limit') ?? 20) || 20;
    const after = url.searchParams.get('after_id');
    const start = after ? shown.findIndex((m) => m.id === after) + 1 : 0;
    const page = shown.slice(start, start + limit).map((model) => ({
      type: 'model',
      id: model.id,
      display_name: model.displayName ?? model.id,
      created_at: '2025-10-01T00:00:00Z',
      lifecycle: model.lifecycle ?? 'active',
    }));
    send(200, {
      data: page,
      has_more: start + limit < shown.length,
      first_id: page[0]?.id ?? null,
      last_id: page[page.length - 1]?.id ?? null,
    });
  }

  private async messages(record: RecordedRequest, body: MessagesBody, res: ServerResponse, send: Send): Promise<void> {
    const behaviour = await this.behaviourFor(record, res);
    if (!behaviour) return;
    const prompt = body.messages?.[0]?.content ?? '';
    const toolName = body.tool_choice?.name ?? body.tools?.[0]?.name ?? 'answer';
    const message = (content: unknown[], stopReason: string, inputTokens = 100, outputTokens = 20): unknown => ({
      id: `msg_fake_${this.requests.length}`,
      type: 'message',
      role: 'assistant',
      model: record.model,
      content,
      stop_reason: stopReason,
      stop_sequence: null,
      usage: { input_tokens: inputTokens, output_tokens: outputTokens },
    });
    switch (behaviour.kind) {
      case 'ok': {
        const toolUse = {
          type: 'tool_use',
          id: `toolu_fake_${this.requests.length}`,
          name: toolName,
          input: behaviour.answer ?? this.defaultAnswer,
        };
        return send(200, message([toolUse], 'tool_use', behaviour.inputTokens, behaviour.outputTokens));
      }
      case 'text':
        return send(200, message([{ type: 'text', text: behaviour.text }], 'end_turn'));
      case 'empty':
        return send(200, message([], 'max_tokens', 100, 0));
      case 'blocked':
        return send(200, message([], 'refusal', 100, 5));
      case 'status':
        return this.error(
          send,
          behaviour.status,
          (behaviour.message ?? `scripted ${behaviour.status}`) +
            (behaviour.echoPrompt ? ` while processing: ${prompt}` : ''),
          { type: behaviour.errorType, code: behaviour.errorCode, headers: retryAfterHeader(behaviour) },
        );
    }
  }
}

export async function startFakeAnthropic(options: FakeAnthropicOptions = {}): Promise<FakeAnthropic> {
  return new FakeAnthropic(options).start();
}
