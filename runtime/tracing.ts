// OpenTelemetry tracing for a Healer process: one tracer provider, W3C trace-context propagation and an
// async-local context, spans exported over OTLP/HTTP to OTEL_EXPORTER_OTLP_ENDPOINT. Without an endpoint
// nothing is installed and `withSpan` calls straight through: tracing off costs nothing.
//
// What makes one trace from an API request to an activity: the API's request span (api/tracing.ts), the
// Temporal client interceptor that carries the context in workflow start/signal headers, the workflow
// interceptors in the traced workflow bundle (runtime/workflow-bundle.ts) that continue it into child
// workflows and activities, the activity interceptors the workers add (workers/observability.ts), and a
// client span for each HTTP call an activity makes (runtime/http-tracing.ts).
import { context, SpanStatusCode, trace, type Attributes, type Tracer } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { Resource } from '@opentelemetry/resources';
import { BasicTracerProvider, BatchSpanProcessor, type SpanProcessor } from '@opentelemetry/sdk-trace-base';
import { OpenTelemetryWorkflowClientInterceptor } from '@temporalio/interceptors-opentelemetry/lib/client';
import type { WorkflowClientInterceptor } from '@temporalio/client';
import { traceHttpClients } from './http-tracing';

export interface TracingOptions {
  /** service.name of the spans: healer-api, healer-worker, … */
  service: string;
  /** OTLP/HTTP collector base URL (spans go to <endpoint>/v1/traces). */
  otlpEndpoint?: string;
  /** Instead of the OTLP exporter (tests: a SimpleSpanProcessor over an InMemorySpanExporter). */
  spanProcessor?: SpanProcessor;
}

export interface Tracing {
  enabled: boolean;
  resource?: Resource;
  spanProcessor?: SpanProcessor;
  shutdown(): Promise<void>;
}

const OFF: Tracing = { enabled: false, shutdown: async () => undefined };
let active: Tracing = OFF;

/** Installs tracing for this process when an endpoint (or a processor) is given; otherwise it stays off. */
export function startTracing(opts: TracingOptions): Tracing {
  if (active.enabled) return active;
  if (!opts.otlpEndpoint && !opts.spanProcessor) return OFF;
  const resource = new Resource({ 'service.name': opts.service });
  const spanProcessor =
    opts.spanProcessor ??
    new BatchSpanProcessor(
      new OTLPTraceExporter({ url: `${opts.otlpEndpoint!.replace(/\/$/, '')}/v1/traces`, timeoutMillis: 10_000 }),
    );
  const provider = new BasicTracerProvider({ resource, spanProcessors: [spanProcessor] });
  provider.register({
    contextManager: new AsyncLocalStorageContextManager().enable(),
    propagator: new W3CTraceContextPropagator(),
  });
  const stopHttpTracing = traceHttpClients(trace.getTracer('healer-http'));
  active = {
    enabled: true,
    resource,
    spanProcessor,
    shutdown: () => {
      stopHttpTracing();
      return provider.shutdown();
    },
  };
  return active;
}

/** The process's tracing (off unless startTracing installed it). */
export const activeTracing = (): Tracing => active;

export const healerTracer = (): Tracer => trace.getTracer('healer');

/** Interceptors for a Temporal Client: workflow starts, signals and queries carry the trace context. */
export function tracingClientInterceptors(): WorkflowClientInterceptor[] {
  return active.enabled ? [new OpenTelemetryWorkflowClientInterceptor()] : [];
}

/** Runs `fn` in a span named `name` (ended with its outcome); with tracing off, just runs it. */
export async function withSpan<T>(name: string, attributes: Attributes, fn: () => Promise<T>): Promise<T> {
  if (!active.enabled) return fn();
  return healerTracer().startActiveSpan(name, { attributes }, async (span) => {
    try {
      return await fn();
    } catch (error) {
      span.recordException(error as Error);
      span.setStatus({ code: SpanStatusCode.ERROR, message: (error as Error).message });
      throw error;
    } finally {
      span.end();
    }
  });
}

/** The active trace id, for log lines (undefined outside a span or with tracing off). */
export function currentTraceId(): string | undefined {
  if (!active.enabled) return undefined;
  return trace.getSpan(context.active())?.spanContext().traceId;
}
