// The probe's payload classes, on HTTP and on MCP: each is refused with the right 4xx (or tool error)
// naming the field, never a 5xx, and no error echoes more than ~100 characters of the bad value.
import { samplePayload } from '../support/sessions';
import { eventually, uniqueId, uniqueTaskQueue } from '../support/temporal';
import { TOKENS, bearer, callTool, chars, request, startSecuredApi, type Answer, type SecuredApi } from './harness';

const auth = bearer(TOKENS.all);
const MB = 1024 * 1024;

/** `{"a":{"a":…}}` nested `depth` deep. */
const nested = (depth: number) => `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`;
/** A session start whose cto_config.remediation is nested `depth` deep (raw JSON, as a client would send it). */
const deepRemediation = (playId: string, depth: number) =>
  `{"play_id":"${playId}","repository":"o/r","cto_config":{"remediation":${nested(depth)}}}`;

interface HttpCase {
  name: string;
  send: (api: SecuredApi) => Promise<Answer>;
  status: number;
  field?: string;
  /** /mcp answers in JSON-RPC's error shape. */
  jsonRpc?: boolean;
}

const start = (api: SecuredApi, body: unknown) => request(`${api.url}/api/v1/session/start`, 'POST', body, auth);
const push = (api: SecuredApi, playId: string, body: unknown, headers: Record<string, string> = {}) =>
  request(`${api.url}/api/v1/session/${playId}/logs`, 'POST', body, { ...auth, ...headers });
const payload = (overrides: Record<string, unknown>) => ({ ...samplePayload(uniqueId('fz')), ...overrides });

describe('hostile input on a real API', () => {
  const taskQueue = uniqueTaskQueue('fuzz');
  let api: SecuredApi;
  // A running session for the log-push cases.
  const livePlayId = uniqueId('fz-live');

  beforeAll(async () => {
    api = await startSecuredApi(taskQueue);
    expect((await start(api, samplePayload(livePlayId))).status).toBe(201);
  });
  afterAll(async () => {
    await api.close();
  });

  const httpCases: HttpCase[] = [
    {
      name: 'repository over 2,048 characters',
      send: (a) => start(a, payload({ repository: `o/${chars(2049)}` })),
      status: 400,
      field: 'repository',
    },
    {
      name: 'a 1 MB repository',
      send: (a) => start(a, payload({ repository: chars(MB) })),
      status: 400,
      field: 'repository',
    },
    {
      name: 'a valid 4 MB service name',
      send: (a) => start(a, payload({ service: chars(4 * MB) })),
      status: 400,
      field: 'service',
    },
    {
      name: 'play_id of 129 characters',
      send: (a) => start(a, payload({ play_id: chars(129) })),
      status: 400,
      field: 'play_id',
    },
    {
      name: 'play_id with a newline',
      send: (a) => start(a, payload({ play_id: 'a\nb' })),
      status: 400,
      field: 'play_id',
    },
    {
      name: 'remediation nested 10,000 deep',
      send: (a) => start(a, deepRemediation(uniqueId('fz'), 10_000)),
      status: 400,
      field: 'cto_config.remediation.a',
    },
    {
      name: 'remediation as a list',
      send: (a) => start(a, payload({ cto_config: { remediation: [1] } })),
      status: 400,
      field: 'cto_config.remediation',
    },
    {
      name: '1,001 tasks',
      send: (a) => start(a, payload({ tasks: Array.from({ length: 1001 }, (_, i) => ({ id: i, title: 't' })) })),
      status: 400,
      field: 'tasks',
    },
    {
      name: 'a session past 256 KB',
      send: (a) => start(a, payload({ tasks: Array.from({ length: 900 }, (_, i) => ({ id: i, title: chars(400) })) })),
      status: 400,
      field: 'tasks',
    },
    {
      name: 'a NUL in a task title',
      send: (a) => start(a, payload({ tasks: [{ id: 1, title: 'a\u0000b' }] })),
      status: 400,
      field: 'tasks[0].title',
    },
    {
      name: 'an unpaired surrogate in a task title',
      send: (a) => start(a, payload({ tasks: [{ id: 1, title: 'a\uD800b' }] })),
      status: 400,
      field: 'tasks[0].title',
    },
    {
      name: 'a 1 MB agent name',
      send: (a) => start(a, payload({ cto_config: { agents: { [chars(MB)]: {} } } })),
      status: 400,
      field: 'cto_config.agents',
    },
    {
      name: 'a prototype-pollution key',
      send: (a) => start(a, '{"play_id":"x","repository":"o/r","__proto__":{"polluted":1}}'),
      status: 400,
    },
    { name: 'malformed JSON', send: (a) => start(a, '{"play_id": '), status: 400 },
    { name: 'a 6 MB body', send: (a) => start(a, payload({ service: chars(6 * MB) })), status: 413 },
    {
      name: 'GET a 129-character play_id',
      send: (a) => request(`${a.url}/api/v1/session/${chars(129)}`, 'GET', undefined, auth),
      status: 400,
      field: 'play_id',
    },
    {
      name: 'GET a 300-character play_id',
      send: (a) => request(`${a.url}/api/v1/session/${chars(300)}`, 'GET', undefined, auth),
      status: 414,
      field: 'path',
    },
    {
      name: 'headers over 16 KB',
      send: (a) => request(`${a.url}/api/v1/sessions`, 'GET', undefined, { ...auth, 'x-big': chars(20_000) }),
      status: 431,
    },
    {
      name: 'an unknown route',
      send: (a) => request(`${a.url}/api/v1/${chars(5000)}`, 'GET', undefined, auth),
      status: 404,
    },
    {
      name: 'end with a 2,001-character reason',
      send: (a) => request(`${a.url}/api/v1/session/${livePlayId}/end`, 'POST', { reason: chars(2001) }, auth),
      status: 400,
      field: 'reason',
    },
    { name: 'logs for a bad play_id', send: (a) => push(a, 'bad id', { lines: ['x'] }), status: 400, field: 'play_id' },
    {
      name: 'logs with a 1 MB agent label',
      send: (a) => push(a, livePlayId, { lines: ['panicked at x'], labels: { agent: chars(MB) } }),
      status: 400,
      field: 'labels.agent',
    },
    {
      name: 'logs with a newline in a label',
      send: (a) => push(a, livePlayId, { lines: ['x'], labels: { pod: 'a\nb' } }),
      status: 400,
      field: 'labels.pod',
    },
    {
      name: 'logs of 10,001 lines',
      send: (a) => push(a, livePlayId, { lines: Array.from({ length: 10_001 }, () => 'x') }),
      status: 413,
      field: 'lines',
    },
    {
      name: 'a log line over 64 KB',
      send: (a) => push(a, livePlayId, { lines: [chars(65 * 1024)] }),
      status: 413,
      field: 'lines[0]',
    },
    {
      name: 'a bad Idempotency-Key',
      send: (a) => push(a, livePlayId, { lines: ['x'] }, { 'idempotency-key': 'a b' }),
      status: 400,
      field: 'Idempotency-Key',
    },
    {
      name: 'an incident id that is not incident-*',
      send: (a) => request(`${a.url}/api/v1/incidents/watchdog-cto/approve`, 'POST', {}, auth),
      status: 400,
      field: 'id',
    },
    {
      name: 'a 2,000-character incident id',
      send: (a) => request(`${a.url}/api/v1/incidents/incident-${chars(2000)}`, 'GET', undefined, auth),
      status: 414,
      field: 'path',
    },
    {
      name: 'a list limit of 0',
      send: (a) => request(`${a.url}/api/v1/sessions?limit=0`, 'GET', undefined, auth),
      status: 400,
      field: 'limit',
    },
    {
      name: 'a cursor that is not base64url',
      send: (a) => request(`${a.url}/api/v1/sessions?cursor=%21%21`, 'GET', undefined, auth),
      status: 400,
      field: 'cursor',
    },
    {
      name: 'a cursor Temporal never issued',
      send: (a) => request(`${a.url}/api/v1/sessions?cursor=AAAA.AAAAAAAAAAA`, 'GET', undefined, auth),
      status: 400,
      field: 'cursor',
    },
    {
      name: 'an MCP batch of many calls in one request',
      send: (a) =>
        request(
          `${a.url}/mcp`,
          'POST',
          Array.from({ length: 50 }, (_, id) => ({
            jsonrpc: '2.0',
            id,
            method: 'tools/call',
            params: { name: 'list_sessions', arguments: {} },
          })),
          { ...auth, accept: 'application/json, text/event-stream' },
        ),
      status: 400,
      jsonRpc: true,
    },
  ];

  test.each(httpCases.map((c) => [c.name, c] as const))(
    'HTTP: %s → the right 4xx naming the field',
    async (_name, c) => {
      const answer = await c.send(api);
      expect(answer.status).toBe(c.status);
      const shape = { error: expect.any(String), message: expect.any(String) };
      const jsonRpcShape = { error: { code: expect.any(Number), message: expect.any(String) } };
      expect(answer.body).toEqual(expect.objectContaining(c.jsonRpc ? jsonRpcShape : shape));
      if (c.field) expect(answer.body.field).toBe(c.field);
      // The error never echoes the bad value whole.
      expect(answer.text.length).toBeLessThan(600);
    },
  );

  const mcpCases: Array<[string, string, Record<string, unknown> | string, RegExp]> = [
    ['approve with a 1 MB incident id', 'approve_incident', { incident_id: `incident-${chars(MB)}` }, /incident_id/],
    ['approve a workflow that is not an incident', 'approve_incident', { incident_id: 'watchdog-cto' }, /incident_id/],
    ['reject a workflow that is not an incident', 'reject_incident', { incident_id: 'play-x' }, /incident_id/],
    [
      'start with a 2,049-character repository',
      'start_session',
      { ...samplePayload('m1'), repository: `o/${chars(2049)}` },
      /repository/,
    ],
    ['start with a 4 MB service', 'start_session', { ...samplePayload('m2'), service: chars(4 * MB) }, /service/],
    [
      'start with remediation nested 10,000 deep',
      'start_session',
      deepRemediation('m3', 10_000),
      /cto_config\.remediation/,
    ],
    ['get a 129-character play_id', 'get_session', { play_id: chars(129) }, /play_id/],
    [
      'send logs with a 1 MB agent label',
      'send_logs',
      { play_id: 'x', lines: ['panicked at'], labels: { agent: chars(MB) } },
      /agent/,
    ],
    ['send 10,001 lines', 'send_logs', { play_id: 'x', lines: Array.from({ length: 10_001 }, () => 'x') }, /lines/],
    [
      'send a detection with a 1 MB fingerprint',
      'send_detections',
      {
        play_id: 'x',
        detections: [
          {
            code: 'R1',
            severity: 'high',
            priority: 'P2',
            patternId: 'p',
            fingerprint: chars(MB),
            line: 'x',
            source: 'test',
            observedAt: new Date().toISOString(),
          },
        ],
      },
      /fingerprint/,
    ],
    ['end with a control character in the reason', 'end_session', { play_id: 'x', reason: 'a\u0001b' }, /reason/],
    ['end with a 1 MB status', 'end_session', { play_id: 'x', status: chars(MB) }, /status/],
    ['list with a bad cursor', 'list_sessions', { cursor: '!!' }, /cursor/],
  ];

  test.each(mcpCases)('MCP: %s → a tool error naming the field', async (_name, tool, args, field) => {
    const answer = await callTool(api.url, TOKENS.all, tool, args);
    expect(answer.status).toBeLessThan(500);
    expect(answer.isError).toBe(true);
    expect(answer.text).toMatch(field);
    expect(answer.text.length).toBeLessThan(2000);
  });

  test('a session start as large as the limits allow is accepted and readable', async () => {
    const playId = uniqueId('big').padEnd(128, 'p');
    const started = await start(api, payload({ play_id: playId, repository: `${chars(100, 'o')}/${chars(100, 'r')}` }));
    expect(started.status).toBe(201);
    const shown = await request(`${api.url}/api/v1/session/${playId}`, 'GET', undefined, auth);
    expect(shown.status).toBe(200);
    expect(shown.body.playId).toBe(playId);
  });

  test('pushed lines with control characters reach the session sanitised', async () => {
    const pushed = await push(api, livePlayId, { lines: ["thread 'main' panicked at \u0000src/x.rs\u001b[31m\uD800"] });
    expect(pushed.status).toBe(202);
    const shown = await eventually(
      () => request(`${api.url}/api/v1/session/${livePlayId}`, 'GET', undefined, auth),
      (a) => a.body.fingerprints?.some((f: { code: string }) => f.code === 'R1'),
    );
    const line = shown.body.fingerprints.find((f: { code: string }) => f.code === 'R1').line as string;
    expect(line).toContain('panicked at');
    expect(line).not.toMatch(/[\u0000-\u0008\u000A-\u001F]/); // eslint-disable-line no-control-regex
    expect(line).toContain('\uFFFD');
  });
});
