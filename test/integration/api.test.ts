import type { Worker } from '@temporalio/worker';
import { closeTestConnections, createTestWorker, eventually, uniqueId, uniqueTaskQueue } from '../support/temporal';
import { http, startTestApi, type TestApi } from '../support/api';
import { samplePayload } from '../support/sessions';

describe('HTTP API on a real dev server', () => {
  const taskQueue = uniqueTaskQueue('api');
  const token = 's3cret-token';
  let worker: Worker;
  let running: Promise<void>;
  let api: TestApi;
  const auth = { authorization: `Bearer ${token}` };

  beforeAll(async () => {
    worker = await createTestWorker({ taskQueue });
    running = worker.run();
    api = await startTestApi({ taskQueue, token });
  });
  afterAll(async () => {
    await api.close();
    worker.shutdown();
    await running;
    await closeTestConnections();
  });

  test('start → show → list → active → end, reading everything back from Temporal', async () => {
    const playId = uniqueId('api');
    const started = await http(`${api.url}/api/v1/session/start`, 'POST', samplePayload(playId), auth);
    expect(started.status).toBe(201);
    expect(started.body).toMatchObject({ playId, status: 'active', workflowId: `play-${playId}` });

    const shown = await http(`${api.url}/api/v1/session/${playId}`, 'GET', undefined, auth);
    expect(shown.status).toBe(200);
    expect(shown.body).toMatchObject({ playId, status: 'active', repository: '5dlabs/cto' });

    const active = await eventually(
      () => http(`${api.url}/api/v1/sessions/active`, 'GET', undefined, auth),
      (r) => r.body.sessions.some((s: { playId: string }) => s.playId === playId),
    );
    expect(active.body.count).toBe(active.body.sessions.length);

    const ended = await http(`${api.url}/api/v1/session/${playId}/end`, 'POST', { reason: 'finished' }, auth);
    expect(ended.status).toBe(202);
    const after = await eventually(
      () => http(`${api.url}/api/v1/session/${playId}`, 'GET', undefined, auth),
      (r) => r.body.status === 'completed',
    );
    expect(after.body.endReason).toBe('finished');
    const all = await eventually(
      () => http(`${api.url}/api/v1/sessions`, 'GET', undefined, auth),
      (r) =>
        r.body.sessions.some(
          (s: { playId: string; status: string }) => s.playId === playId && s.status === 'completed',
        ),
    );
    expect(all.body.count).toBeGreaterThanOrEqual(1);
    const stillActive = await http(`${api.url}/api/v1/sessions/active`, 'GET', undefined, auth);
    expect(stillActive.body.sessions.some((s: { playId: string }) => s.playId === playId)).toBe(false);
  });

  test('a second start of an active session answers 409 and starts nothing', async () => {
    const playId = uniqueId('dup');
    expect((await http(`${api.url}/api/v1/session/start`, 'POST', samplePayload(playId), auth)).status).toBe(201);
    const again = await http(`${api.url}/api/v1/session/start`, 'POST', samplePayload(playId), auth);
    expect(again.status).toBe(409);
    expect(again.body.message).toContain(playId);
  });

  test('invalid payloads get 400 naming the field', async () => {
    const cases: Array<[unknown, string]> = [
      [{ repository: 'o/r' }, 'play_id'],
      [{ play_id: 'x', repository: 'bad' }, 'repository'],
      [{ play_id: 'x', repository: 'o/r', tasks: [{ id: 1 }] }, 'tasks[0].title'],
    ];
    for (const [body, field] of cases) {
      const response = await http(`${api.url}/api/v1/session/start`, 'POST', body, auth);
      expect(response.status).toBe(400);
      expect(response.body).toMatchObject({ error: 'invalid_payload', field });
      expect(response.body.message).toContain(field);
    }
    const malformed = await http(`${api.url}/api/v1/session/start`, 'POST', '{"play_id": ', auth);
    expect(malformed.status).toBe(400);
    const badEnd = await http(`${api.url}/api/v1/session/whatever/end`, 'POST', { status: 'exploded' }, auth);
    expect(badEnd.status).toBe(400);
    expect(badEnd.body.message).toContain('status');
  });

  test('unknown sessions are 404', async () => {
    expect((await http(`${api.url}/api/v1/session/${uniqueId('nope')}`, 'GET', undefined, auth)).status).toBe(404);
    expect((await http(`${api.url}/api/v1/session/${uniqueId('nope')}/end`, 'POST', {}, auth)).status).toBe(404);
  });

  test('reads and writes need the bearer token', async () => {
    const playId = uniqueId('auth');
    const missing = await http(`${api.url}/api/v1/session/start`, 'POST', samplePayload(playId));
    expect(missing.status).toBe(401);
    expect(missing.headers.get('www-authenticate')).toMatch(/^Bearer/);
    const wrong = await http(`${api.url}/api/v1/session/start`, 'POST', samplePayload(playId), {
      authorization: 'Bearer nope',
    });
    expect(wrong.status).toBe(401);
    expect((await http(`${api.url}/api/v1/session/${playId}/end`, 'POST', {})).status).toBe(401);
    expect((await http(`${api.url}/api/v1/sessions`, 'GET')).status).toBe(401);
    expect((await http(`${api.url}/api/v1/sessions`, 'GET', undefined, auth)).status).toBe(200);
    // nothing was started by the rejected calls
    expect((await http(`${api.url}/api/v1/session/${playId}`, 'GET', undefined, auth)).status).toBe(404);
  });

  test('health reports Temporal connectivity; metrics are Prometheus text', async () => {
    const health = await http(`${api.url}/health`, 'GET');
    expect(health.status).toBe(200);
    expect(health.body.temporal.reachable).toBe(true);
    const metrics = await http(`${api.url}/metrics`, 'GET');
    expect(metrics.status).toBe(200);
    expect(metrics.body).toContain('# TYPE');
  });
});
