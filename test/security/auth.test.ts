// Every route × no token / a wrong token / each scope: reads need `read`, writes `write`, the human gate
// and the watchdog `admin`; only /health (and GitHub's signed webhook) answer without a token, and
// /metrics has its own optional token. The check runs before the body is read.
import { uniqueId, uniqueTaskQueue } from '../support/temporal';
import { TOKENS, bearer, callTool, request, startSecuredApi, type SecuredApi, type TokenName } from './harness';

type Scope = 'read' | 'write' | 'admin';
const SCOPE_OF: Record<TokenName, Scope[]> = {
  read: ['read'],
  write: ['write'],
  admin: ['admin'],
  all: ['read', 'write', 'admin'],
};

// Bodies and ids that fail after the token check (unknown session, invalid payload): an authorised call
// changes nothing, and its status (400, 404, 405, 409 …) shows it got past authorisation.
const ghost = uniqueId('ghost');
const ROUTES: Array<{ method: string; path: string; body?: unknown; scope: Scope }> = [
  { method: 'GET', path: '/health/api', scope: 'read' },
  { method: 'GET', path: '/api/v1/sessions', scope: 'read' },
  { method: 'GET', path: '/api/v1/sessions/active', scope: 'read' },
  { method: 'GET', path: `/api/v1/session/${ghost}`, scope: 'read' },
  { method: 'GET', path: `/api/v1/incidents/incident-${ghost}-0`, scope: 'read' },
  { method: 'GET', path: '/api/v1/nothing-here', scope: 'read' },
  { method: 'GET', path: '/mcp', scope: 'read' },
  { method: 'POST', path: '/api/v1/session/start', body: {}, scope: 'write' },
  { method: 'POST', path: `/api/v1/session/${ghost}/end`, body: {}, scope: 'write' },
  { method: 'POST', path: `/api/v1/session/${ghost}/logs`, body: { lines: ['x'] }, scope: 'write' },
  { method: 'POST', path: `/api/v1/incidents/incident-${ghost}-0/approve`, body: {}, scope: 'admin' },
  { method: 'POST', path: `/api/v1/incidents/incident-${ghost}-0/reject`, body: {}, scope: 'admin' },
  { method: 'GET', path: '/api/v1/watchdog?namespace=nobody-here', scope: 'admin' },
];

describe('who may call what', () => {
  const taskQueue = uniqueTaskQueue('auth');
  let api: SecuredApi;

  beforeAll(async () => {
    api = await startSecuredApi(taskQueue, { HEALER_METRICS_TOKEN: 'probe-metrics-0123456789' });
  });
  afterAll(async () => {
    await api.close();
  });

  describe.each(ROUTES.map((r) => [`${r.method} ${r.path.split('?')[0]}`, r] as const))('%s', (_name, route) => {
    const call = (headers: Record<string, string>) =>
      request(`${api.url}${route.path}`, route.method, route.body, headers);

    test('no token or a wrong one: 401 with WWW-Authenticate', async () => {
      for (const headers of [{}, bearer('wrong-token'), bearer(`${TOKENS.all}x`), { authorization: TOKENS.all }]) {
        const answer = await call(headers);
        expect(answer.status).toBe(401);
        expect(answer.headers.get('www-authenticate')).toMatch(/^Bearer/);
        expect(answer.body).toMatchObject({ error: 'unauthorized' });
      }
    });

    test.each(Object.keys(TOKENS) as TokenName[])('a %s token', async (token) => {
      const answer = await call(bearer(TOKENS[token]));
      if (SCOPE_OF[token].includes(route.scope)) {
        expect([401, 403]).not.toContain(answer.status);
        expect(answer.status).toBeLessThan(500);
      } else {
        expect(answer.status).toBe(403);
        expect(answer.body).toEqual({ error: 'forbidden', message: `this token lacks the "${route.scope}" scope` });
      }
    });
  });

  test('/health answers without a token and shows no address', async () => {
    const health = await request(`${api.url}/health`, 'GET');
    expect(health.status).toBe(200);
    expect(health.body).toEqual({ status: 'ok', temporal: { reachable: true } });
    expect(health.text).not.toMatch(/127\.0\.0\.1|localhost|:\d{4,5}/);
  });

  test('/metrics needs its own token when one is set, and no API token opens it', async () => {
    expect((await request(`${api.url}/metrics`, 'GET')).status).toBe(401);
    expect((await request(`${api.url}/metrics`, 'GET', undefined, bearer(TOKENS.all))).status).toBe(401);
    const scraped = await request(`${api.url}/metrics`, 'GET', undefined, bearer('probe-metrics-0123456789'));
    expect(scraped.status).toBe(200);
    expect(scraped.text).toContain('# TYPE');
  });

  test('the token is checked before the body is read: an unauthenticated malformed body is a 401, not a 400', async () => {
    const deep = `${'['.repeat(1_000_000)}`; // 1 MB that would not even parse
    const answers = await Promise.all(
      Array.from({ length: 8 }, () => request(`${api.url}/api/v1/session/start`, 'POST', deep)),
    );
    expect(answers.map((a) => a.status)).toEqual(Array(8).fill(401));
    const health = await request(`${api.url}/health`, 'GET');
    expect(health.status).toBe(200);
  });

  test('MCP tools check their own scope: read tools for readers, write tools for writers, the gate for admins', async () => {
    const denied = await callTool(api.url, TOKENS.read, 'start_session', { play_id: uniqueId('x'), repository: 'o/r' });
    expect(denied.isError).toBe(true);
    expect(denied.text).toContain('lacks the "write" scope (403 forbidden)');
    const read = await callTool(api.url, TOKENS.read, 'get_session', { play_id: ghost });
    expect(read.text).toContain('not found (404');
    for (const token of [TOKENS.read, TOKENS.all]) {
      const list = await callTool(api.url, token, 'list_sessions', { limit: 1 });
      expect(list.isError).toBe(false);
    }
    const gate = await callTool(api.url, TOKENS.read, 'approve_incident', { incident_id: `incident-${ghost}-0` });
    expect(gate.text).toContain('lacks the "admin" scope');
    const watchdog = await callTool(api.url, TOKENS.all, 'get_watchdog', { namespace: 'nobody-here' });
    expect(watchdog.text).toContain('404');
    // /mcp itself needs `read`: a write-only token cannot reach the tools at all.
    const writerAtDoor = await callTool(api.url, TOKENS.write, 'list_sessions', {});
    expect(writerAtDoor.status).toBe(403);
  });
});

describe('an API with no token configured stays open', () => {
  let api: SecuredApi;
  beforeAll(async () => {
    api = await startSecuredApi(uniqueTaskQueue('open'), { HEALER_API_TOKENS: '' });
  });
  afterAll(async () => {
    await api.close();
  });

  test('reads, writes and the gate need no token', async () => {
    expect((await request(`${api.url}/api/v1/sessions`, 'GET')).status).toBe(200);
    expect((await request(`${api.url}/api/v1/session/start`, 'POST', {})).status).toBe(400);
    expect((await request(`${api.url}/api/v1/incidents/incident-${ghost}-0/approve`, 'POST', {})).status).toBe(404);
    expect((await request(`${api.url}/metrics`, 'GET')).status).toBe(200);
  });
});
