// A fake Gemini Developer API (v1beta) for tests and benchmarks, spoken to by the real @google/genai
// client (GEMINI_BASE_URL / httpOptions.baseUrl → this server). It implements what the gateway uses:
//   GET  /v1beta/models?pageSize=&pageToken=        → {models:[{name, supportedGenerationMethods…}], nextPageToken}
//   POST /v1beta/models/{model}:generateContent     → {candidates:[{content:{parts:[{text}]}}], usageMetadata}
// with the real error envelope {error:{code,message,status,details}}, 404 for unknown/retired models,
// 400 API_KEY_INVALID for a wrong key, and per-model scripted behaviours (429 + Retry-After, 5xx,
// malformed or schema-violating JSON text, safety blocks, slow answers). Every request is recorded.
import type { IncomingMessage, ServerResponse } from 'node:http';
import {
  retryAfterHeader,
  safeJson,
  ScriptedModelServer,
  type FakeModel,
  type RecordedRequest,
  type Send,
} from './model-server';

export type { Behaviour, FakeModel, RecordedRequest } from './model-server';

export interface FakeGeminiOptions {
  apiKey?: string;
  models?: FakeModel[];
  /** Models the server lists per page unless pageSize says otherwise. */
  defaultPageSize?: number;
  /** Answer of an `ok` behaviour without its own answer. */
  defaultAnswer?: unknown;
}

const STATUS_NAMES: Record<number, string> = {
  400: 'INVALID_ARGUMENT',
  401: 'UNAUTHENTICATED',
  403: 'PERMISSION_DENIED',
  404: 'NOT_FOUND',
  408: 'DEADLINE_EXCEEDED',
  429: 'RESOURCE_EXHAUSTED',
  500: 'INTERNAL',
  503: 'UNAVAILABLE',
  504: 'DEADLINE_EXCEEDED',
};

export class FakeGemini extends ScriptedModelServer {
  private readonly apiKey: string;
  private readonly defaultPageSize: number;
  private readonly defaultAnswer: unknown;

  constructor(options: FakeGeminiOptions = {}) {
    super(options.models ?? [{ id: 'gemini-2.5-flash' }, { id: 'gemini-2.5-pro' }]);
    this.apiKey = options.apiKey ?? 'test-key';
    this.defaultPageSize = options.defaultPageSize ?? 50;
    this.defaultAnswer = options.defaultAnswer ?? { ok: true };
  }

  protected apiKeyOf(req: IncomingMessage, url: URL): string | undefined {
    return (req.headers['x-goog-api-key'] as string | undefined) ?? url.searchParams.get('key') ?? undefined;
  }

  protected async handle(record: RecordedRequest, url: URL, res: ServerResponse, send: Send): Promise<void> {
    const error = (status: number, message: string, headers: Record<string, string> = {}, details?: unknown[]): void =>
      send(
        status,
        {
          error: { code: status, message, status: STATUS_NAMES[status] ?? 'UNKNOWN', ...(details ? { details } : {}) },
        },
        headers,
      );

    const generate = /^\/v1(?:beta)?\/models\/([^/:]+):generateContent$/.exec(url.pathname);
    if (generate) record.model = decodeURIComponent(generate[1]);
    if (record.apiKey !== this.apiKey) {
      return error(400, 'API key not valid. Please pass a valid API key.', {}, [
        { '@type': 'type.googleapis.com/google.rpc.ErrorInfo', reason: 'API_KEY_INVALID', domain: 'googleapis.com' },
      ]);
    }
    if (record.method === 'GET' && /^\/v1(beta)?\/models$/.test(url.pathname)) return this.listModels(url, send);
    if (record.method === 'POST' && generate) {
      const model = this.models.find((candidate) => candidate.id === record.model);
      if (!model || !(model.methods ?? ['generateContent']).includes('generateContent')) {
        return error(
          404,
          `models/${record.model} is not found for API version ${url.pathname.split('/')[1]}, or is not supported for generateContent. Call ListModels to see the list of available models and their supported methods.`,
        );
      }
      return this.generate(record, res, send, error);
    }
    return error(404, `Method not found: ${record.method} ${url.pathname}`);
  }

  private listModels(url: URL, send: Send): void {
    const pageSize = Number(url.searchParams.get('pageSize') ?? this.defaultPageSize) || this.defaultPageSize;
    const start = Number(url.searchParams.get('pageToken') ?? 0) || 0;
    const page = this.models.slice(start, start + pageSize).map((model) => ({
      name: `models/${model.id}`,
      version: '001',
      displayName: model.displayName ?? model.id,
      inputTokenLimit: 1_048_576,
      outputTokenLimit: 65_536,
      supportedGenerationMethods: model.methods ?? ['generateContent', 'countTokens'],
    }));
    const next = start + pageSize < this.models.length ? String(start + pageSize) : undefined;
    send(200, { models: page, ...(next ? { nextPageToken: next } : {}) });
  }

  private async generate(
    record: RecordedRequest,
    res: ServerResponse,
    send: Send,
    error: (status: number, message: string, headers?: Record<string, string>, details?: unknown[]) => void,
  ): Promise<void> {
    const behaviour = await this.behaviourFor(record, res);
    if (!behaviour) return;
    const parsed = safeJson(record.body) as { contents?: { parts?: { text?: string }[] }[] } | undefined;
    const prompt = parsed?.contents?.[0]?.parts?.[0]?.text ?? '';
    const usage = (inputTokens = 100, outputTokens = 20) => ({
      promptTokenCount: inputTokens,
      candidatesTokenCount: outputTokens,
      totalTokenCount: inputTokens + outputTokens,
    });
    const candidate = (text: string, inputTokens?: number, outputTokens?: number, finishReason = 'STOP'): unknown => ({
      candidates: [{ content: { role: 'model', parts: [{ text }] }, finishReason, index: 0 }],
      usageMetadata: usage(inputTokens, outputTokens),
      modelVersion: record.model,
      responseId: `fake-${this.requests.length}`,
    });
    switch (behaviour.kind) {
      case 'ok':
        return send(
          200,
          candidate(
            JSON.stringify(behaviour.answer ?? this.defaultAnswer),
            behaviour.inputTokens,
            behaviour.outputTokens,
          ),
        );
      case 'text':
        return send(200, candidate(behaviour.text));
      case 'empty':
        return send(200, candidate('', 100, 0, 'MAX_TOKENS'));
      case 'blocked':
        return send(200, {
          candidates: [],
          promptFeedback: { blockReason: 'SAFETY' },
          usageMetadata: { promptTokenCount: 100, totalTokenCount: 100 },
        });
      case 'status': {
        const details = behaviour.retryDelay
          ? [{ '@type': 'type.googleapis.com/google.rpc.RetryInfo', retryDelay: behaviour.retryDelay }]
          : undefined;
        const message =
          (behaviour.message ?? `scripted ${behaviour.status}`) +
          (behaviour.echoPrompt ? ` while processing: ${prompt}` : '');
        return error(behaviour.status, message, retryAfterHeader(behaviour), details);
      }
    }
  }
}

export async function startFakeGemini(options: FakeGeminiOptions = {}): Promise<FakeGemini> {
  return new FakeGemini(options).start();
}
