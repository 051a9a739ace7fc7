// A fake Gemini Developer API (v1beta) for tests and benchmarks, spoken to by the real @google/genai
// client (GEMINI_BASE_URL / httpOptions.baseUrl → this server). It implements what the gateway uses:
//   GET  /v1beta/models?pageSize=&pageToken=        → {models:[{name, supportedGenerationMethods…}], nextPageToken}
//   POST /v1beta/models/{model}:generateContent     → {candidates:[{content:{parts:[{text}]}}], usageMetadata}
// with the real error envelope {error:{code,message,status,details}}, 404 for unknown/retired models,
// 400 API_KEY_INVALID for a wrong key, and per-model scripted behaviours (429 + Retry-After, 5xx,
// malformed or schema-violating JSON text, slow answers). Every request is recorded.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface FakeModel {
  id: string; // "gemini-2.5-flash"
  methods?: string[]; // default ['generateContent', 'countTokens']
  displayName?: string;
}

export type Behaviour =
  | { kind: 'ok'; answer?: unknown; inputTokens?: number; outputTokens?: number }
  | { kind: 'text'; text: string } // a candidate whose text is taken verbatim (malformed JSON, wrong shape…)
  | { kind: 'status'; status: number; retryAfter?: string; retryDelay?: string; message?: string; echoPrompt?: boolean }
  | { kind: 'empty' } // no candidates (e.g. blocked)
  | { kind: 'slow'; delayMs: number; then: Behaviour }
  | { kind: 'hang' }; // never answers (until the client gives up)

export interface RecordedRequest {
  atMs: number;
  method: string;
  path: string;
  query: Record<string, string>;
  model?: string;
  apiKey?: string;
  headers: Record<string, string | string[] | undefined>;
  body: string;
  status: number;
}

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

export class FakeGemini {
  readonly requests: RecordedRequest[] = [];
  private readonly server: Server;
  private readonly scripts = new Map<string, Behaviour[]>();
  private models: FakeModel[];
  private readonly apiKey: string;
  private readonly defaultPageSize: number;
  private readonly defaultAnswer: unknown;
  private readonly hanging = new Set<ServerResponse>();
  url = '';

  constructor(options: FakeGeminiOptions = {}) {
    this.apiKey = options.apiKey ?? 'test-key';
    this.models = options.models ?? [{ id: 'gemini-2.5-flash' }, { id: 'gemini-2.5-pro' }];
    this.defaultPageSize = options.defaultPageSize ?? 50;
    this.defaultAnswer = options.defaultAnswer ?? { ok: true };
    this.server = createServer((req, res) => void this.handle(req, res));
  }

  async start(): Promise<this> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this;
  }

  async stop(): Promise<void> {
    for (const res of this.hanging) res.destroy();
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  setModels(models: FakeModel[]): void {
    this.models = models;
  }

  /** Behaviours for a model's successive generateContent calls; the last one repeats. */
  script(model: string, ...behaviours: Behaviour[]): void {
    this.scripts.set(model, behaviours);
  }

  generateCalls(model?: string): RecordedRequest[] {
    return this.requests.filter(
      (request) => request.model !== undefined && (model === undefined || request.model === model),
    );
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const body = await readBody(req);
    const url = new URL(req.url ?? '/', 'http://fake');
    const record: RecordedRequest = {
      atMs: Date.now(),
      method: req.method ?? 'GET',
      path: url.pathname,
      query: Object.fromEntries(url.searchParams),
      apiKey: (req.headers['x-goog-api-key'] as string | undefined) ?? url.searchParams.get('key') ?? undefined,
      headers: req.headers,
      body,
      status: 0,
    };
    this.requests.push(record);
    const send = (status: number, payload: unknown, headers: Record<string, string> = {}): void => {
      record.status = status;
      res.writeHead(status, { 'content-type': 'application/json; charset=UTF-8', ...headers });
      res.end(typeof payload === 'string' ? payload : JSON.stringify(payload));
    };
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
    if (req.method === 'GET' && /^\/v1(beta)?\/models$/.test(url.pathname)) return this.listModels(url, send);
    if (req.method === 'POST' && generate) {
      const model = this.models.find((candidate) => candidate.id === record.model);
      if (!model || !(model.methods ?? ['generateContent']).includes('generateContent')) {
        return error(
          404,
          `models/${record.model} is not found for API version ${url.pathname.split('/')[1]}, or is not supported for generateContent. Call ListModels to see the list of available models and their supported methods.`,
        );
      }
      return this.generate(record, res, send, error);
    }
    return error(404, `Method not found: ${req.method} ${url.pathname}`);
  }

  private listModels(url: URL, send: (status: number, payload: unknown) => void): void {
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
    send: (status: number, payload: unknown, headers?: Record<string, string>) => void,
    error: (status: number, message: string, headers?: Record<string, string>, details?: unknown[]) => void,
  ): Promise<void> {
    const script = this.scripts.get(record.model ?? '') ?? [{ kind: 'ok' }];
    const index = this.generateCalls(record.model).length - 1;
    let behaviour = script[Math.min(index, script.length - 1)];
    while (behaviour.kind === 'slow') {
      await new Promise((resolve) => setTimeout(resolve, (behaviour as { delayMs: number }).delayMs));
      behaviour = behaviour.then;
    }
    if (res.destroyed) return;
    const parsed = safeJson(record.body) as { contents?: { parts?: { text?: string }[] }[] } | undefined;
    const prompt = parsed?.contents?.[0]?.parts?.[0]?.text ?? '';
    const candidate = (text: string, inputTokens = 100, outputTokens = 20): unknown => ({
      candidates: [{ content: { role: 'model', parts: [{ text }] }, finishReason: 'STOP', index: 0 }],
      usageMetadata: {
        promptTokenCount: inputTokens,
        candidatesTokenCount: outputTokens,
        totalTokenCount: inputTokens + outputTokens,
      },
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
        return send(200, {
          candidates: [],
          promptFeedback: { blockReason: 'SAFETY' },
          usageMetadata: { promptTokenCount: 100, totalTokenCount: 100 },
        });
      case 'hang':
        this.hanging.add(res);
        return;
      case 'status': {
        const headers: Record<string, string> = behaviour.retryAfter ? { 'retry-after': behaviour.retryAfter } : {};
        const details = behaviour.retryDelay
          ? [{ '@type': 'type.googleapis.com/google.rpc.RetryInfo', retryDelay: behaviour.retryDelay }]
          : undefined;
        const message =
          (behaviour.message ?? `scripted ${behaviour.status}`) +
          (behaviour.echoPrompt ? ` while processing: ${prompt}` : '');
        return error(behaviour.status, message, headers, details);
      }
    }
  }
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

export async function startFakeGemini(options: FakeGeminiOptions = {}): Promise<FakeGemini> {
  return new FakeGemini(options).start();
}
