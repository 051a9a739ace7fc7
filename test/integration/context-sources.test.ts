// An incident's log window from each source, with the real clients: Loki (`query_range`) and Kubernetes
// pod logs through the project's fakes of their HTTP APIs, and lines pushed through the real API into the
// session's log store on the suite's dev server. Every agent of the session is read; other sessions and
// lines outside the window are not; the caps hold and keep the root cause another agent logged earlier.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Worker } from '@temporalio/worker';
import { createContextActivities } from '../../activities/incident/context';
import {
  kubernetesWindowSource,
  lokiWindowSource,
  pushedWindowSource,
  type LogWindowSource,
} from '../../activities/incident/log-window';
import {
  DEFAULT_ATTRIBUTION_LABELS,
  logStoreWorkflowId,
  logWindowQuery,
  type ContextWindowSettings,
  type Detection,
} from '../../core/contract';
import { startFakeLoki, type FakeLoki } from '../fakes/loki';
import { kubeConfigFor, startFakeKubernetes, type FakeKubernetes } from '../fakes/kubernetes';
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

jest.setTimeout(120_000);

const SECRET = 'ghp_Zx81kQm2Lw0aPq7Rt5Vy3Nc9Hb4Jd6Fs1Ge8';
const WINDOW: ContextWindowSettings = { beforeSecs: 300, afterSecs: 60, maxLines: 200, maxBytes: 16_384 };
const CAUSE = 'ERROR connection refused to tools-server:8080 (dial tcp 10.0.0.12:8080)';

/** The detection an incident of `playId` opened: cleo's MCP failure, now. */
function detectionAt(at: Date): Detection {
  return {
    code: 'A12',
    severity: 'high',
    priority: 'P1',
    patternId: 'a12.mcp-init',
    fingerprint: 'fp-cleo-mcp',
    line: 'ERROR MCP server failed to initialize',
    source: 'loki',
    observedAt: at.toISOString(),
    agent: 'cleo',
    pod: 'cleo-0',
  };
}

const ms = (date: Date, offsetSecs: number): Date => new Date(date.getTime() + offsetSecs * 1000);
const nanos = (date: Date): bigint => BigInt(date.getTime()) * 1_000_000n;

function gather(sources: LogWindowSource[], playId: string, detection: Detection, window = WINDOW) {
  const activities = createContextActivities({ stateDir: mkdtempSync(join(tmpdir(), 'healer-ctx-')), sources });
  return activities.gatherContext({
    incidentId: `incident-${playId}-${detection.fingerprint}`,
    playId,
    namespace: 'cto',
    detection,
    contextWindow: window,
  });
}

describe('log window from Loki (fake Loki, real query_range)', () => {
  let loki: FakeLoki;
  beforeAll(async () => {
    loki = await startFakeLoki();
  });
  afterAll(() => loki.close());

  test('every agent of the session over the window, paged; other sessions and later lines left out', async () => {
    const now = new Date();
    const labels = (agent: string, play = '42') => ({ namespace: 'cto', play_id: play, agent, pod: `${agent}-0` });
    // Thousands of noise lines from three agents over six minutes, the root cause from rex 3 minutes earlier.
    for (let i = 0; i < 3000; i++)
      loki.push(labels(['rex', 'cleo', 'tess'][i % 3]), `INFO tick ${i}`, nanos(ms(now, -299 + i * 0.11)));
    loki.push(labels('rex'), `${CAUSE} token=${SECRET}`, nanos(ms(now, -180)));
    loki.push(labels('rex', '43'), 'ERROR another session entirely: fatal error', nanos(ms(now, -10)));
    loki.push(labels('tess'), 'ERROR far too early: fatal error', nanos(ms(now, -900)));
    loki.push(labels('tess'), 'ERROR far too late: fatal error', nanos(ms(now, 120)));
    loki.maxLimit = 500; // several pages

    const source = lokiWindowSource({ url: loki.url, labels: DEFAULT_ATTRIBUTION_LABELS, pageLimit: 500 });
    const ref = await gather([source], '42', detectionAt(now));

    expect(ref.summary?.sources).toEqual([{ name: 'loki', lines: 3001 }]);
    expect(ref.logLines).toBe(3001);
    expect(loki.queries.length).toBeGreaterThan(6);
    expect(loki.queries[0].query).toBe('{namespace="cto", play_id="42"}');
    const text = ref.excerpt.join('\n');
    expect(text).toContain('rex [R2] | ERROR connection refused to tools-server:8080');
    expect(text).not.toContain(SECRET);
    expect(text).not.toMatch(/another session|too early|too late/);
    expect(new Set(ref.excerpt.map((l) => l.split(' ')[1]))).toEqual(new Set(['rex', 'cleo', 'tess']));
    // The caps: at most 200 lines (and the detection's own), 16 KB; the rest counted as left out.
    expect(ref.excerpt.length).toBeLessThanOrEqual(WINDOW.maxLines + 1);
    expect(ref.summary!.bytes).toBeLessThanOrEqual(WINDOW.maxBytes);
    // Kept lines are the source's (all but the detection's own, which Loki did not have) plus that one.
    expect(ref.summary!.dropped).toBe(3001 - (ref.summary!.lines - 1));
  });

  test('a Loki that fails is recorded as unavailable, and the incident still gets its own line', async () => {
    loki.failNext(500, 3);
    const source = lokiWindowSource({ url: loki.url, labels: DEFAULT_ATTRIBUTION_LABELS });
    const ref = await gather([source], '44', detectionAt(new Date()));
    expect(ref.summary?.sources).toEqual([{ name: 'loki', lines: 0, error: expect.stringContaining('HTTP 500') }]);
    expect(ref.notes).toEqual([expect.stringMatching(/^unavailable: loki: HTTP 500/)]);
    expect(ref.excerpt).toEqual([expect.stringContaining('cleo [A12] | ERROR MCP server failed to initialize')]);
  });
});

describe('log window from Kubernetes pod logs (fake API server, real client)', () => {
  let k8s: FakeKubernetes;
  beforeAll(async () => {
    k8s = await startFakeKubernetes();
  });
  afterAll(() => k8s.close());

  test('every container of the session’s pods from sinceTime, cut at the window’s end; the caps hold', async () => {
    const now = new Date();
    const pod = (name: string, agent: string, play: string, containers: string[]) =>
      k8s.addPod({
        metadata: { name, namespace: 'cto', labels: { 'play-id': play, agent } },
        spec: { containers: containers.map((c) => ({ name: c })) },
      });
    pod('rex-0', 'rex', '42', ['agent', 'sidecar']);
    pod('cleo-0', 'cleo', '42', ['agent']);
    pod('rex-other', 'rex', '43', ['agent']);
    for (let i = 0; i < 600; i++) {
      k8s.appendLog('cto', 'rex-0', 'agent', `INFO rex working ${i}`, ms(now, -290 + i * 0.4));
      k8s.appendLog('cto', 'cleo-0', 'agent', `INFO cleo reviewing ${i}`, ms(now, -290 + i * 0.4));
    }
    k8s.appendLog('cto', 'rex-0', 'sidecar', CAUSE, ms(now, -240));
    k8s.appendLog('cto', 'rex-0', 'agent', 'ERROR before the window: fatal error', ms(now, -400));
    k8s.appendLog('cto', 'rex-0', 'agent', 'ERROR after the window: fatal error', ms(now, 90));
    k8s.appendLog('cto', 'rex-other', 'agent', 'ERROR other session: fatal error', ms(now, -5));

    const source = kubernetesWindowSource({ kubeConfig: kubeConfigFor(k8s), labels: DEFAULT_ATTRIBUTION_LABELS });
    const ref = await gather([source], '42', detectionAt(now), { ...WINDOW, maxLines: 40, maxBytes: 4096 });

    const logCalls = k8s.requests.filter((r) => r.path.endsWith('/log'));
    expect(logCalls.map((r) => r.path).sort()).toEqual([
      '/api/v1/namespaces/cto/pods/cleo-0/log',
      '/api/v1/namespaces/cto/pods/rex-0/log',
      '/api/v1/namespaces/cto/pods/rex-0/log',
    ]);
    expect(logCalls.every((r) => r.query.sinceTime && r.query.follow !== 'true')).toBe(true);
    // Window lines only (the fake honours sinceTime; the end is cut here).
    expect(ref.summary?.sources).toEqual([{ name: 'kubernetes', lines: 1201 }]);
    const text = ref.excerpt.join('\n');
    expect(text).toContain('rex [R2] | ERROR connection refused to tools-server:8080');
    expect(text).not.toMatch(/before the window|after the window|other session/);
    expect(ref.excerpt.length).toBeLessThanOrEqual(41);
    expect(ref.summary!.bytes).toBeLessThanOrEqual(4096);
  });
});

describe('log window from lines pushed through the API (the session’s log store on the dev server)', () => {
  const taskQueue = uniqueTaskQueue('context-pushed');
  let api: TestApi;
  let worker: Worker;
  let running: Promise<void>;
  beforeAll(async () => {
    worker = await createTestWorker({ taskQueue });
    running = worker.run();
    api = await startTestApi({ taskQueue });
  });
  afterAll(async () => {
    await api?.close();
    worker?.shutdown();
    await running;
    await closeTestConnections();
  });

  test('every agent’s pushed lines, timed by their own timestamps, kept where any replica reads them', async () => {
    const client = await testClient();
    const playId = uniqueId('pushed');
    expect((await http(`${api.url}/api/v1/session/start`, 'POST', samplePayload(playId))).status).toBe(201);
    const now = new Date();
    const stamp = (offsetSecs: number) => ms(now, offsetSecs).toISOString();
    const push = (agent: string, lines: string[], key: string) =>
      http(
        `${api.url}/api/v1/session/${playId}/logs`,
        'POST',
        { lines, labels: { agent, pod: `${agent}-0` } },
        {
          'idempotency-key': key,
        },
      );
    // tess's root cause a minute earlier, among noise; cleo's failure now; a retried push stored once.
    const tess = [
      ...Array.from({ length: 500 }, (_, i) => `${stamp(-120 + i * 0.1)} INFO tess step ${i}`),
      `${stamp(-60)} ${CAUSE} ${SECRET}`,
    ];
    expect((await push('tess', tess, `${playId}-tess`)).status).toBe(202);
    expect((await push('tess', tess, `${playId}-tess`)).status).toBe(202);
    expect((await push('cleo', [`${stamp(0)} ERROR MCP server failed to initialize`], `${playId}-cleo`)).status).toBe(
      202,
    );

    const store = client.workflow.getHandle(logStoreWorkflowId(playId));
    const all = await eventually(
      () => store.query(logWindowQuery, { from: stamp(-600), to: stamp(600) }),
      (lines) => lines.length === 502,
    );
    expect(JSON.stringify(all)).not.toContain(SECRET);
    expect(all.find((l) => l.line.includes('connection refused'))).toMatchObject({ agent: 'tess', at: stamp(-60) });

    const source = pushedWindowSource(() => client);
    const ref = await gather([source], playId, { ...detectionAt(now), source: 'http' }, { ...WINDOW, maxLines: 50 });
    expect(ref.summary?.sources).toEqual([{ name: 'pushed', lines: 502 }]);
    const text = ref.excerpt.join('\n');
    // The line keeps its own timestamp, which also timed it.
    expect(text).toMatch(/tess \[R2\] \| \S+ ERROR connection refused to tools-server:8080/);
    expect(text).toContain('cleo [A12] | ');
    expect(ref.excerpt.length).toBeLessThanOrEqual(51);

    // No push to a session: no store, no lines, no error.
    const empty = await gather([source], uniqueId('never-pushed'), detectionAt(now));
    expect(empty.summary?.sources).toEqual([{ name: 'pushed', lines: 0 }]);
  });
});
