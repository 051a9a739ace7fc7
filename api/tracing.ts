// A span per HTTP request (`POST /api/v1/session/:play_id/logs`, by route template), active for the whole
// request, so the Temporal calls a route makes (starts, signals) continue its trace into the workflows.
// Registered only when tracing is on (runtime/tracing.ts): off, requests pay nothing.
import { context, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import type { FastifyInstance } from 'fastify';
import { activeTracing, healerTracer } from '../runtime/tracing';

export function traceRequests(app: FastifyInstance): void {
  if (!activeTracing().enabled) return;
  app.addHook('onRequest', (request, reply, done) => {
    const route = request.routeOptions.url ?? 'unmatched';
    const span = healerTracer().startSpan(`${request.method} ${route}`, {
      kind: SpanKind.SERVER,
      attributes: { 'http.request.method': request.method, 'http.route': route },
    });
    reply.raw.once('finish', () => {
      span.setAttribute('http.response.status_code', reply.raw.statusCode);
      if (reply.raw.statusCode >= 500) span.setStatus({ code: SpanStatusCode.ERROR });
      span.end();
    });
    // The rest of the request (hooks, handler) runs inside the span's context.
    context.with(trace.setSpan(context.active(), span), done);
  });
}
