// The whole path a user sees, on the real dev server: log lines pushed to the API are scanned, the
// session opens one incident per distinct failure, the incident heals in dry-run mode with the
// built-in evaluator (no GitHub token, no model key), and the session view lists it.
import type { Worker } from '@temporalio/worker';
import { createActivities } from '../../activities';
import { createModelActivities } from '../../activities/model';
import {
  closeTestConnections,
  createTestWorker,
  eventually,
  testClient,
  uniqueId,
  uniqueTaskQueue,
} from '../support/temporal';
import { http, startTestApi, type TestApi } from '../support/api';
import { samplePayload } from '../support/sessions';

describe('healing through the API (dry run, built-in evaluator)', () => {
  const taskQueue = uniqueTaskQueue('heal');
  const llmTaskQueue = uniqueTaskQueue('heal-llm');
  const workers: Worker[] = [];
  const runs: Promise<void>[] = [];
  let api: TestApi;

  beforeAll(async () => {
    api = await startTestApi({ taskQueue, settings: { maxOpenIncidents: 2, llmTaskQueue } });
    workers.push(
      await createTestWorker({ taskQueue, activities: createActivities({ config: api.config, kube: null }) }),
    );
    workers.push(
      await createTestWorker({
        taskQueue: llmTaskQueue,
        activities: createModelActivities({ client: await testClient(), logDir: api.config.logPath }),
      }),
    );
    for (const w of workers) runs.push(w.run());
  });
  afterAll(async () => {
    await api.close();
    for (const w of workers) w.shutdown();
    await Promise.all(runs);
    await closeTestConnections();
  });

  test('pushed lines become one incident per failure, with a dry-run issue; past the open-incident cap they wait for a slot', async () => {
    const playId = uniqueId('heal');
    expect((await http(`${api.url}/api/v1/session/start`, 'POST', samplePayload(playId))).status).toBe(201);
    const lines = [
      "thread 'main' panicked at src/orders.rs:42:9: called `Option::unwrap()` on a `None` value",
      "thread 'main' panicked at src/orders.rs:42:9: called `Option::unwrap()` on a `None` value",
      'INFO  build finished: 0 errors, 0 warnings',
      'Error: connect ECONNREFUSED 127.0.0.1:5432',
      "EACCES: permission denied, open '/workspace/orders/.cache'",
      'token=ghp_abcdefghijklmnopqrstuvwxyz0123456789 rejected: Bad credentials (401)',
    ];
    const pushed = await http(`${api.url}/api/v1/session/${playId}/logs`, 'POST', {
      lines,
      labels: { agent: 'rex', task_id: '1', pod: 'rex-1' },
    });
    expect(pushed.status).toBe(202);
    expect(pushed.body.detections).toBe(5); // the INFO line is benign

    const view = await eventually(
      async () => (await http(`${api.url}/api/v1/session/${playId}`, 'GET')).body,
      (v) =>
        v.detections.total === 5 &&
        v.incidents.length === 4 &&
        v.incidents.every((i: { status: string }) => i.status !== 'open'),
      60_000,
    );
    expect(view.detections.unique).toBe(4);
    // Two past the cap of 2 waited, and opened as the first two finished.
    expect(view.incidentsDeferred).toBe(0);
    const first = view.incidents[0];
    expect(first.id).toMatch(new RegExp(`^incident-${playId}-[0-9a-f]+$`));
    expect(first.issue).toMatchObject({ dryRun: true });
    expect(first.issue.title).toMatch(/^\[Healer (R1|R2|R4|R5)\] /);
    // Without a model key, patch mode proposes the fix and hands over to a human.
    expect(first.status).toBe('escalated');

    const incident = await http(`${api.url}/api/v1/incidents/${first.id}`, 'GET');
    expect(incident.status).toBe(200);
    expect(incident.body).toMatchObject({ id: first.id, playId, dryRun: true });
    expect(incident.body.evaluatedBy).toMatch(/^rules/);
    // The planted token never reaches what Healer shows or would send.
    expect(JSON.stringify(view)).not.toContain('ghp_abcdefghijklmnopqrstuvwxyz0123456789');
    expect(JSON.stringify(incident.body)).not.toContain('ghp_abcdefghijklmnopqrstuvwxyz0123456789');
  });

  test('log push: text/plain with labels in the query, 400 naming the field, 404 for an unknown session', async () => {
    const playId = uniqueId('push');
    await http(`${api.url}/api/v1/session/start`, 'POST', samplePayload(playId));
    const response = await fetch(`${api.url}/api/v1/session/${playId}/logs?agent=cleo&task_id=2`, {
      method: 'POST',
      headers: { 'content-type': 'text/plain' },
      body: 'fatal error: all goroutines are asleep - deadlock!\nall good\n',
    });
    expect(response.status).toBe(202);
    const body = (await response.json()) as { detections: number; lines: number };
    expect(body).toMatchObject({ lines: 2, detections: 1 });
    const view = await eventually(
      async () => (await http(`${api.url}/api/v1/session/${playId}`, 'GET')).body,
      (v) => v.detections.total === 1,
    );
    expect(view.fingerprints[0]).toMatchObject({ code: 'R1', agent: 'cleo', taskId: '2' });

    const bad = await http(`${api.url}/api/v1/session/${playId}/logs`, 'POST', { lines: ['ok', 42] });
    expect(bad.status).toBe(400);
    expect(bad.body).toMatchObject({ field: 'lines[1]' });
    expect((await http(`${api.url}/api/v1/session/${playId}/logs`, 'POST', { labels: {} })).body.field).toBe('lines');
    expect(
      (await http(`${api.url}/api/v1/session/${uniqueId('nobody')}/logs`, 'POST', { lines: ['panicked at x'] })).status,
    ).toBe(404);
  });

  test('a re-sent push with the same Idempotency-Key is applied once', async () => {
    const playId = uniqueId('idem');
    await http(`${api.url}/api/v1/session/start`, 'POST', samplePayload(playId));
    const send = () =>
      http(
        `${api.url}/api/v1/session/${playId}/logs`,
        'POST',
        { lines: ['Error: connect ECONNREFUSED 10.0.0.1:6379'] },
        { 'idempotency-key': 'req-1' },
      );
    expect((await send()).status).toBe(202);
    expect((await send()).status).toBe(202);
    await http(
      `${api.url}/api/v1/session/${playId}/logs`,
      'POST',
      { lines: ['Error: connect ECONNREFUSED 10.0.0.1:6379'] },
      { 'idempotency-key': 'req-2' },
    );
    const view = await eventually(
      async () => (await http(`${api.url}/api/v1/session/${playId}`, 'GET')).body,
      (v) => v.detections.total >= 2,
    );
    expect(view.detections.total).toBe(2);
  });

  test('approve/reject of an unknown incident is a 404; bad ids are 400', async () => {
    expect((await http(`${api.url}/api/v1/incidents/incident-nope-123/approve`, 'POST', {})).status).toBe(404);
    expect((await http(`${api.url}/api/v1/incidents/not-an-incident/reject`, 'POST', {})).status).toBe(400);
    expect((await http(`${api.url}/api/v1/incidents/incident-nope-123`, 'GET')).status).toBe(404);
  });
});
