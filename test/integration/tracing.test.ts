// One trace from an API request to the activities it causes, on the real dev server: tracing on with an
// in-memory exporter; the API (its request spans, its Temporal client with the OpenTelemetry interceptor)
// starts a session and pushes a failure; the worker runs the traced workflow bundle with the activity
// interceptors and the span-exporter sink (observeWorker). The session start request's trace must reach
// the incident's activities; the push request's trace must reach the session's signal handler.
import { bundleWorkflowCode, type Worker } from '@temporalio/worker';
import { Client } from '@temporalio/client';
import { InMemorySpanExporter, SimpleSpanProcessor, type ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { join } from 'node:path';
import { createActivities } from '../../activities';
import { createModelActivities } from '../../activities/model';
import { buildApi } from '../../api/server';
import { composeApi } from '../../api/compose';
import { SessionService } from '../../api/session/sessions';
import { loadConfig } from '../../runtime/config';
import { startTracing, tracingClientInterceptors } from '../../runtime/tracing';
import { TRACED_WORKFLOW_INTERCEPTOR_MODULES } from '../../runtime/workflow-bundle';
import { observeWorker } from '../../workers/observability';
import { startFakeGemini, type FakeGemini } from '../fakes/gemini';
import { http } from '../support/api';
import { samplePayload } from '../support/sessions';
import {
  closeTestConnections,
  createTestWorker,
  eventually,
  testAddress,
  testConnection,
  uniqueId,
  uniqueTaskQueue,
} from '../support/temporal';
import type { FastifyInstance } from 'fastify';

const exporter = new InMemorySpanExporter();
const tracing = startTracing({ service: 'healer-test', spanProcessor: new SimpleSpanProcessor(exporter) });

const taskQueue = uniqueTaskQueue('trace');
const llmTaskQueue = `${taskQueue}-llm`;
const workers: Worker[] = [];
const runs: Promise<void>[] = [];
let app: FastifyInstance;
let url: string;
let gemini: FakeGemini;

beforeAll(async () => {
  expect(tracing.enabled).toBe(true);
  const config = loadConfig({
    TEMPORAL_ADDRESS: testAddress(),
    HEALER_LOG_LEVEL: 'silent',
    HEALER_STATE_DIR: process.env.HEALER_TEST_DIR,
  });
  const client = new Client({
    connection: await testConnection(),
    interceptors: { workflow: tracingClientInterceptors() },
  });
  const sessions = new SessionService(client, { taskQueue, settings: { preflightWindowMs: 60_000, llmTaskQueue } });
  app = await buildApi({ config, client, services: { ...composeApi(config, client, { taskQueue }), sessions } });
  url = await app.listen({ host: '127.0.0.1', port: 0 });
  const noop = () => undefined;
  const workflowBundle = await bundleWorkflowCode({
    workflowsPath: require.resolve('../../workflows'),
    workflowInterceptorModules: TRACED_WORKFLOW_INTERCEPTOR_MODULES,
    logger: { trace: noop, debug: noop, info: noop, warn: noop, error: console.error, log: noop },
  });
  const activities = createActivities({ config, kube: null });
  workers.push(await createTestWorker(observeWorker({ taskQueue, workflowBundle, activities })));
  // The model gateway calls the Gemini fake over HTTP: that call is a client span of its activity.
  gemini = await startFakeGemini({ apiKey: 'trace-key' });
  const model = createModelActivities({
    client,
    logDir: join(config.stateDir, `${taskQueue}-logs`),
    apiKey: 'trace-key',
    baseUrl: gemini.url,
    config: {
      fallbackModels: ['gemini-2.5-flash'],
      dailyBudgetUsd: 100,
      stateTaskQueue: taskQueue,
      healthWorkflowId: uniqueId('trace-health'),
      budgetWorkflowPrefix: `${uniqueId('trace-budget')}-`,
    },
  });
  workers.push(await createTestWorker(observeWorker({ taskQueue: llmTaskQueue, activities: model })));
  for (const w of workers) runs.push(w.run());
}, 120_000);

afterAll(async () => {
  await app?.close();
  for (const w of workers) w.shutdown();
  await Promise.all(runs);
  await tracing.shutdown();
  await gemini?.stop();
  await closeTestConnections();
});

const spans = () => exporter.getFinishedSpans();
const inTrace = (traceId: string) => spans().filter((s) => s.spanContext().traceId === traceId);
const named = (prefix: string) => (s: ReadableSpan) => s.name.startsWith(prefix);

test('a session start request and a log push are each one trace, down to the activities', async () => {
  const playId = uniqueId('trace');
  expect((await http(`${url}/api/v1/session/start`, 'POST', samplePayload(playId))).status).toBe(201);
  const pushed = await http(`${url}/api/v1/session/${playId}/logs`, 'POST', {
    lines: ["thread 'main' panicked at src/orders.rs:42:9: called `Option::unwrap()` on a `None` value"],
    labels: { agent: 'rex', task_id: '1' },
  });
  expect(pushed.status).toBe(202);

  const start = spans().find((s) => s.name === 'POST /api/v1/session/start')!;
  expect(start).toBeDefined();
  // The incident runs as a child of the session, so its workflow and activity spans (GitHub issue, model
  // gateway) belong to the start request's trace (the session's run span ends with the session).
  await eventually(
    async () => inTrace(start.spanContext().traceId).map((s) => s.name),
    (found) => found.includes('RunWorkflow:incident'),
    60_000,
  );
  const trace = inTrace(start.spanContext().traceId);
  const names = trace.map((s) => s.name);
  expect(names).toEqual(
    expect.arrayContaining([
      'StartWorkflow:playSession',
      'StartChildWorkflow:incident',
      'RunWorkflow:incident',
      'RunActivity:gatherContext',
      'RunActivity:generateStructured', // the model gateway, on the LLM worker
    ]),
  );
  expect(names.filter((n) => n.startsWith('RunActivity:')).length).toBeGreaterThanOrEqual(2);
  // The model call is an HTTP client span under the gateway's activity, and the fake received the trace.
  const modelActivity = trace.find((s) => s.name === 'RunActivity:generateStructured')!;
  const modelCall = trace.find(
    (s) => s.name === `POST ${new URL(gemini.url).host}` && s.parentSpanId === modelActivity.spanContext().spanId,
  );
  expect(modelCall?.attributes['http.response.status_code']).toBe(200);
  expect(String(modelCall?.attributes['url.full'])).toContain(':generateContent');
  const generate = gemini.requests.find(
    (r) => r.model !== undefined && String(r.headers.traceparent).includes(start.spanContext().traceId),
  );
  expect(generate).toBeDefined();
  const activity = trace.find(named('RunActivity:'))!;
  expect(activity.resource.attributes['service.name']).toBe('healer-test');
  // Its ancestry (through the still-open workflow spans) goes back to the request span.
  expect(start.parentSpanId).toBeUndefined();
  expect(trace.find((s) => s.name === 'StartWorkflow:playSession')!.parentSpanId).toBe(start.spanContext().spanId);

  // The push: request span → the detections signal it sends → the session's handler of it.
  const push = spans().find((s) => s.name === 'POST /api/v1/session/:play_id/logs')!;
  const pushTrace = await eventually(
    async () => inTrace(push.spanContext().traceId).map((s) => s.name),
    (found) => found.includes('HandleSignal:detections'),
  );
  expect(pushTrace).toEqual(
    expect.arrayContaining(['deliver detections', 'SignalWorkflow:detections', 'HandleSignal:detections']),
  );
}, 90_000);
