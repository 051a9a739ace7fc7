// The demo's scenario (the sample session, examples/agent.log pushed through the API, three incidents
// healed in dry run) on the real dev server, with the production instrumentation: the workflow bundle
// with Healer's interceptors, workers wrapped by observeWorker, the API's hooks, and the gateway's model
// calls answered (with a refusal, so the rule-based evaluator takes over) by the Gemini fake. Every
// healer_* family the scenario touches must move by what happened, read from the Prometheus text.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { bundleWorkflowCode, type Worker } from '@temporalio/worker';
import { createActivities } from '../../activities';
import { createModelActivities } from '../../activities/model';
import { healerMetrics } from '../../runtime/metrics';
import { WORKFLOW_INTERCEPTOR_MODULES } from '../../runtime/workflow-bundle';
import { observeWorker } from '../../workers/observability';
import { startFakeGemini, type FakeGemini } from '../fakes/gemini';
import { http, startTestApi, type TestApi } from '../support/api';
import { samplePayload } from '../support/sessions';
import {
  closeTestConnections,
  createTestWorker,
  eventually,
  testClient,
  uniqueId,
  uniqueTaskQueue,
} from '../support/temporal';

// The process registry every instrumented module counts into (named before anything else touches it).
const metrics = healerMetrics('e2e');
const root = join(__dirname, '..', '..');

/** Sum of the samples of `name` whose labels include `labels` (Prometheus text format). */
function total(text: string, name: string, labels: Record<string, string> = {}): number {
  let sum = 0;
  for (const line of text.split('\n')) {
    if (!line.startsWith(`${name}{`) && !line.startsWith(`${name} `)) continue;
    if (Object.entries(labels).every(([k, v]) => line.includes(`${k}="${v}"`)))
      sum += Number(line.slice(line.lastIndexOf(' ') + 1));
  }
  return sum;
}

describe('metrics count what the demo scenario does', () => {
  const taskQueue = uniqueTaskQueue('metrics');
  const llmTaskQueue = `${taskQueue}-llm`;
  const workers: Worker[] = [];
  const runs: Promise<void>[] = [];
  let api: TestApi;
  let gemini: FakeGemini;

  beforeAll(async () => {
    const noop = () => undefined;
    const workflowBundle = await bundleWorkflowCode({
      workflowsPath: require.resolve('../../workflows'),
      workflowInterceptorModules: WORKFLOW_INTERCEPTOR_MODULES,
      logger: { trace: noop, debug: noop, info: noop, warn: noop, error: console.error, log: noop },
    });
    gemini = await startFakeGemini({ models: [{ id: 'gemini-2.5-flash' }] });
    gemini.script('gemini-2.5-flash', { kind: 'status', status: 400, message: 'request refused' });
    api = await startTestApi({ taskQueue, settings: { llmTaskQueue } });
    const activities = createActivities({ config: api.config, kube: null });
    workers.push(await createTestWorker(observeWorker({ taskQueue, workflowBundle, activities }, metrics)));
    const model = createModelActivities({
      apiKey: 'test-key',
      baseUrl: gemini.url,
      client: await testClient(),
      logDir: join(api.config.stateDir, `${taskQueue}-logs`),
      config: {
        stateTaskQueue: taskQueue,
        healthWorkflowId: `${taskQueue}-model-health`,
        budgetWorkflowPrefix: `${taskQueue}-budget-`,
        dailyBudgetUsd: 100,
        fallbackModels: ['gemini-2.5-flash'],
      },
    });
    workers.push(await createTestWorker(observeWorker({ taskQueue: llmTaskQueue, activities: model }, metrics)));
    for (const w of workers) runs.push(w.run());
  }, 120_000);

  afterAll(async () => {
    await api?.close();
    for (const w of workers) w.shutdown();
    await Promise.all(runs);
    await gemini?.stop();
    await closeTestConnections();
  });

  test('lines, detections, signals, sessions, incidents, chain steps, model calls and requests', async () => {
    const before = await metrics.registry.metrics();
    const playId = uniqueId('demo');
    expect((await http(`${api.url}/api/v1/session/start`, 'POST', samplePayload(playId))).status).toBe(201);
    const lines = readFileSync(join(root, 'examples', 'agent.log'), 'utf8')
      .trimEnd()
      .split('\n');
    expect(lines).toHaveLength(11);
    const pushed = await http(`${api.url}/api/v1/session/${playId}/logs`, 'POST', {
      lines,
      labels: { agent: 'rex', task_id: '1', pod: 'rex-1' },
    });
    expect(pushed.status).toBe(202);
    expect(pushed.body.detections).toBe(4);
    const view = await eventually(
      async () => (await http(`${api.url}/api/v1/session/${playId}`, 'GET')).body,
      (v) => v.incidents?.length === 3 && v.incidents.every((i: { status: string }) => i.status !== 'open'),
      90_000,
    );
    expect((await http(`${api.url}/api/v1/session/${playId}/end`, 'POST', { status: 'completed' })).status).toBe(202);
    const client = await testClient();
    await client.workflow.getHandle(`play-${playId}`).result();

    const after = await eventually(
      () => metrics.registry.metrics(),
      (text) => total(text, 'healer_sessions_ended_total', { kind: 'play' }) > 0,
    );
    const moved = (name: string, labels: Record<string, string> = {}) =>
      total(after, name, labels) - total(before, name, labels);

    expect(moved('healer_lines_scanned_total', { source: 'http' })).toBe(11);
    expect(moved('healer_detections_total', { source: 'http' })).toBe(4);
    expect(moved('healer_detections_recorded_total', { source: 'http' })).toBe(4);
    const codes = view.incidents.map((i: { code: string }) => i.code).sort();
    for (const code of new Set<string>(codes))
      expect(moved('healer_incidents_total', { outcome: 'opened', code })).toBe(
        codes.filter((c: string) => c === code).length,
      );
    expect(moved('healer_incidents_total', { outcome: 'opened' })).toBe(3);
    const outcomes = view.incidents.map((i: { status: string }) => i.status);
    for (const outcome of new Set<string>(outcomes))
      expect(moved('healer_incidents_total', { outcome })).toBe(outcomes.filter((o: string) => o === outcome).length);
    expect(moved('healer_signals_sent_total', { signal: 'detections' })).toBeGreaterThanOrEqual(1);
    expect(moved('healer_detection_batch_size_sum')).toBe(moved('healer_detections_total', { source: 'http' }) - 1); // one R2 repeat folded
    expect(moved('healer_sessions_started_total', { kind: 'play' })).toBe(1);
    expect(moved('healer_sessions_ended_total', { kind: 'play', status: 'completed' })).toBe(1);
    // Every incident created its (dry-run) issue: one ok activity each on the worker's queue.
    expect(
      moved('healer_chain_step_duration_seconds_count', { task_queue: taskQueue, outcome: 'ok' }),
    ).toBeGreaterThanOrEqual(3 * 3);
    // Each model attempt the fake saw is one refused call in the LLM worker's metrics; one request per incident at least.
    const attempts = gemini.generateCalls('gemini-2.5-flash').length;
    expect(attempts).toBeGreaterThanOrEqual(3);
    expect(moved('healer_model_calls_total', { provider: 'gemini', model: 'gemini-2.5-flash' })).toBe(attempts);
    expect(moved('healer_model_calls_total', { outcome: 'ok' })).toBe(0);
    expect(moved('healer_chain_step_duration_seconds_count', { task_queue: llmTaskQueue })).toBeGreaterThanOrEqual(3);
    expect(
      moved('healer_http_requests_total', { route: '/api/v1/session/:play_id/logs', method: 'POST', status: '202' }),
    ).toBe(1);
    expect(moved('healer_http_requests_total', { route: '/api/v1/session/start', method: 'POST', status: '201' })).toBe(
      1,
    );
  }, 150_000);
});
