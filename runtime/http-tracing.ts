// Client spans for outgoing HTTP calls (GitHub through Octokit, the model SDKs, Discord, Loki): each
// `fetch` in this process is one span, a child of whatever span is active (an activity's, a request's),
// and carries the trace on to the server in a `traceparent` header. Node's fetch (undici) announces
// every request on diagnostics channels; listening there covers every client without wrapping any.
import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import { context, propagation, SpanKind, SpanStatusCode, trace, type Span, type Tracer } from '@opentelemetry/api';

/** The parts of undici's request object the channels hand out that are used here. */
interface UndiciRequest {
  origin: string;
  method: string;
  path: string;
  addHeader(name: string, value: string): unknown;
}

const CHANNELS = {
  create: 'undici:request:create',
  headers: 'undici:request:headers',
  trailers: 'undici:request:trailers',
  error: 'undici:request:error',
} as const;

/** Strips the query (API keys travel there for some providers) from a request path. */
const withoutQuery = (path: string): string => path.split('?')[0];

/** Starts a span per outgoing request until the returned function is called. */
export function traceHttpClients(tracer: Tracer): () => void {
  const spans = new WeakMap<UndiciRequest, Span>();

  const onCreate = (message: unknown): void => {
    const { request } = message as { request: UndiciRequest };
    const parent = context.active();
    // Only inside a trace: a poll loop with no span around it would be a trace of its own per call.
    if (!trace.getSpan(parent)) return;
    const url = `${request.origin}${withoutQuery(request.path)}`;
    const span = tracer.startSpan(
      `${request.method} ${new URL(request.origin).host}`,
      { kind: SpanKind.CLIENT, attributes: { 'http.request.method': request.method, 'url.full': url } },
      parent,
    );
    spans.set(request, span);
    const carrier: Record<string, string> = {};
    propagation.inject(trace.setSpan(parent, span), carrier);
    for (const [name, value] of Object.entries(carrier)) request.addHeader(name, value);
  };
  const onHeaders = (message: unknown): void => {
    const { request, response } = message as { request: UndiciRequest; response: { statusCode: number } };
    const span = spans.get(request);
    if (!span) return;
    span.setAttribute('http.response.status_code', response.statusCode);
    if (response.statusCode >= 500) span.setStatus({ code: SpanStatusCode.ERROR });
  };
  const onTrailers = (message: unknown): void => {
    const { request } = message as { request: UndiciRequest };
    spans.get(request)?.end();
    spans.delete(request);
  };
  const onError = (message: unknown): void => {
    const { request, error } = message as { request: UndiciRequest; error: Error };
    const span = spans.get(request);
    if (!span) return;
    span.recordException(error);
    span.setStatus({ code: SpanStatusCode.ERROR, message: error.message });
    span.end();
    spans.delete(request);
  };

  subscribe(CHANNELS.create, onCreate);
  subscribe(CHANNELS.headers, onHeaders);
  subscribe(CHANNELS.trailers, onTrailers);
  subscribe(CHANNELS.error, onError);
  return () => {
    unsubscribe(CHANNELS.create, onCreate);
    unsubscribe(CHANNELS.headers, onHeaders);
    unsubscribe(CHANNELS.trailers, onTrailers);
    unsubscribe(CHANNELS.error, onError);
  };
}
