// What the fake model APIs (Gemini, Anthropic, OpenAI-style for xAI and self-hosted endpoints) share: an
// HTTP server on a free loopback port that records every request and answers each model's successive
// generate calls from a script of behaviours. Each fake speaks its vendor's real shapes on top of this.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface FakeModel {
  id: string;
  /** Gemini: supported generation methods (default ['generateContent', 'countTokens']). */
  methods?: string[];
  displayName?: string;
  /** Anthropic: lifecycle stage; a retired model is listed only on request and answers 404. */
  lifecycle?: 'active' | 'deprecated' | 'retired';
}

export type Behaviour =
  | { kind: 'ok'; answer?: unknown; inputTokens?: number; outputTokens?: number; reasoningTokens?: number }
  | { kind: 'text'; text: string } // an answer whose text is taken verbatim (malformed JSON, wrong shape…)
  | {
      kind: 'status';
      status: number;
      retryAfter?: string;
      /** Gemini: a RetryInfo detail ("30s"). */
      retryDelay?: string;
      message?: string;
      echoPrompt?: boolean;
      /** Anthropic error.type / OpenAI error.code, when not the status's usual one. */
      errorType?: string;
      /** Anthropic error.details.error_code. */
      errorCode?: string;
    }
  | { kind: 'empty' } // nothing generated (max tokens)
  | { kind: 'blocked' } // the safety filter refused
  | { kind: 'slow'; delayMs: number; then: Behaviour }
  | { kind: 'hang' }; // never answers (until the client gives up)

export interface RecordedRequest {
  atMs: number;
  method: string;
  path: string;
  query: Record<string, string>;
  /** The model of a generate call. */
  model?: string;
  apiKey?: string;
  headers: Record<string, string | string[] | undefined>;
  body: string;
  status: number;
}

export type Send = (status: number, payload: unknown, headers?: Record<string, string>) => void;

export abstract class ScriptedModelServer {
  readonly requests: RecordedRequest[] = [];
  url = '';
  protected models: FakeModel[];
  private readonly server: Server;
  private readonly scripts = new Map<string, Behaviour[]>();
  private readonly hanging = new Set<ServerResponse>();

  constructor(models: FakeModel[]) {
    this.models = models;
    this.server = createServer((req, res) => void this.receive(req, res));
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

  /** Behaviours for a model's successive generate calls; the last one repeats. */
  script(model: string, ...behaviours: Behaviour[]): void {
    this.scripts.set(model, behaviours);
  }

  generateCalls(model?: string): RecordedRequest[] {
    return this.requests.filter(
      (request) => request.model !== undefined && (model === undefined || request.model === model),
    );
  }

  /** Answers one request; `record` is already in `requests`. */
  protected abstract handle(record: RecordedRequest, url: URL, res: ServerResponse, send: Send): Promise<void> | void;

  /** The API key the request carries (each vendor has its header). */
  protected abstract apiKeyOf(req: IncomingMessage, url: URL): string | undefined;

  /** The behaviour for this generate call, after any scripted delay; undefined when the client went away. */
  protected async behaviourFor(record: RecordedRequest, res: ServerResponse): Promise<Behaviour | undefined> {
    const script = this.scripts.get(record.model ?? '') ?? [{ kind: 'ok' }];
    const index = this.generateCalls(record.model).length - 1;
    let behaviour = script[Math.min(index, script.length - 1)];
    while (behaviour.kind === 'slow') {
      await new Promise((resolve) => setTimeout(resolve, (behaviour as { delayMs: number }).delayMs));
      behaviour = behaviour.then;
    }
    if (behaviour.kind === 'hang') {
      this.hanging.add(res);
      return undefined;
    }
    return res.destroyed ? undefined : behaviour;
  }

  private async receive(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const body = await readBody(req);
    const url = new URL(req.url ?? '/', 'http://fake');
    const record: RecordedRequest = {
      atMs: Date.now(),
      method: req.method ?? 'GET',
      path: url.pathname,
      query: Object.fromEntries(url.searchParams),
      apiKey: this.apiKeyOf(req, url),
      headers: req.headers,
      body,
      status: 0,
    };
    this.requests.push(record);
    const send: Send = (status, payload, headers = {}) => {
      record.status = status;
      res.writeHead(status, { 'content-type': 'application/json', ...headers });
      res.end(typeof payload === 'string' ? payload : JSON.stringify(payload));
    };
    await this.handle(record, url, res, send);
  }
}

export function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

export function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** A retry-after header when the behaviour gives one. */
export function retryAfterHeader(behaviour: { retryAfter?: string }): Record<string, string> {
  return behaviour.retryAfter ? { 'retry-after': behaviour.retryAfter } : {};
}
