// The MCP server through the SDK's own Client, over both transports: stdio (a spawned process, as an
// MCP host runs `healer mcp`) and streamable HTTP on the real Fastify API behind the bearer token.
import type { FastifyInstance } from 'fastify';
import type { Worker } from '@temporalio/worker';
import { Client as McpClient } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { buildApi } from '../../api/server';
import { composeApi } from '../../api/compose';
import { loadConfig } from '../../runtime/config';
import {
  closeTestConnections,
  createTestWorker,
  eventually,
  testAddress,
  testClient,
  uniqueId,
  uniqueTaskQueue,
} from '../support/temporal';
import { http } from '../support/api';
import { connectStdioMcp } from '../support/mcp';
import { detection, samplePayload } from '../support/sessions';

const TOOLS = [
  'start_session',
  'get_session',
  'list_sessions',
  'send_logs',
  'send_detections',
  'end_session',
  'approve_incident',
  'reject_incident',
  'get_watchdog',
];

const text = (result: unknown): string =>
  ((result as CallToolResult).content as Array<{ type: string; text: string }>).map((c) => c.text).join('\n');
const json = (result: unknown) => JSON.parse(text(result));

async function call(client: McpClient, name: string, args: Record<string, unknown>): Promise<CallToolResult> {
  return (await client.callTool({ name, arguments: args })) as CallToolResult;
}

/** The behaviour both transports must share. */
function sharedBehaviour(connect: () => McpClient) {
  test('lists every tool with an input schema', async () => {
    const { tools } = await connect().listTools();
    expect(tools.map((t) => t.name).sort()).toEqual([...TOOLS].sort());
    const start = tools.find((t) => t.name === 'start_session')!;
    expect(start.inputSchema.type).toBe('object');
    expect(start.inputSchema.required).toEqual(expect.arrayContaining(['play_id', 'repository']));
    expect(Object.keys(start.inputSchema.properties ?? {})).toEqual(
      expect.arrayContaining(['play_id', 'repository', 'cto_config', 'tasks']),
    );
    const detections = tools.find((t) => t.name === 'send_detections')!.inputSchema.properties!.detections as {
      items: { required: string[] };
    };
    expect(detections.items.required).toEqual(
      expect.arrayContaining([
        'code',
        'severity',
        'priority',
        'patternId',
        'fingerprint',
        'line',
        'source',
        'observedAt',
      ]),
    );
    expect(tools.find((t) => t.name === 'get_session')!.annotations?.readOnlyHint).toBe(true);
  });

  test('start → get → list → end, read back from Temporal', async () => {
    const client = connect();
    const playId = uniqueId('mcp');
    const started = await call(client, 'start_session', samplePayload(playId));
    expect(started.isError).toBeFalsy();
    expect(json(started)).toMatchObject({ playId, status: 'active', workflowId: `play-${playId}` });
    expect(started.structuredContent).toMatchObject({ playId });

    const shown = json(await call(client, 'get_session', { play_id: playId }));
    expect(shown).toMatchObject({ playId, status: 'active', repository: '5dlabs/cto' });
    expect(shown.agents.map((a: { name: string }) => a.name).sort()).toEqual(['cleo', 'rex']);

    await eventually(
      async () => json(await call(client, 'list_sessions', { active_only: true })),
      (list) => list.sessions.some((s: { playId: string }) => s.playId === playId),
    );

    const ended = await call(client, 'end_session', { play_id: playId, reason: 'done via mcp' });
    expect(json(ended)).toEqual({ playId, status: 'ending' });
    const after = await eventually(
      async () => json(await call(client, 'get_session', { play_id: playId })),
      (s) => s.status === 'completed',
    );
    expect(after.endReason).toBe('done via mcp');
    const all = await eventually(
      async () => json(await call(client, 'list_sessions', {})),
      (list) =>
        list.sessions.some((s: { playId: string; status: string }) => s.playId === playId && s.status === 'completed'),
    );
    expect(all.count).toBe(all.sessions.length);
    const active = json(await call(client, 'list_sessions', { active_only: true }));
    expect(active.sessions.some((s: { playId: string }) => s.playId === playId)).toBe(false);
    const again = await call(client, 'end_session', { play_id: playId });
    expect(again.isError).toBe(true);
    expect(text(again)).toContain('not active');
  });

  test('bad payloads are tool errors naming the field', async () => {
    const client = connect();
    const cases: Array<[Record<string, unknown>, string]> = [
      [{ play_id: uniqueId('bad'), repository: 'not-a-repo' }, 'repository'],
      [{ play_id: uniqueId('bad'), repository: 'o/r', tasks: [{ id: 1 }] }, 'title'],
      [
        {
          play_id: uniqueId('bad'),
          repository: 'o/r',
          tasks: [
            { id: 1, title: 'a' },
            { id: 1, title: 'b' },
          ],
        },
        'tasks[1].id',
      ],
      [
        { play_id: uniqueId('bad'), repository: 'o/r', cto_config: { agents: { rex: { tools: { remote: [''] } } } } },
        'cto_config.agents.rex.tools.remote[0]',
      ],
      [{ repository: 'o/r' }, 'play_id'],
    ];
    for (const [args, field] of cases) {
      const result = await call(client, 'start_session', args);
      expect(result.isError).toBe(true);
      expect(text(result)).toContain(field);
    }
  });

  test('a second start of an active session is a tool error saying it is already active', async () => {
    const client = connect();
    const playId = uniqueId('dup');
    expect((await call(client, 'start_session', samplePayload(playId))).isError).toBeFalsy();
    const again = await call(client, 'start_session', samplePayload(playId));
    expect(again.isError).toBe(true);
    expect(text(again)).toContain(`session ${playId} is already active`);
    expect(text(again)).toContain('409');
  });

  test('detections are validated, then signalled to the session', async () => {
    const client = connect();
    const playId = uniqueId('det');
    await call(client, 'start_session', samplePayload(playId));
    const { fingerprint: _dropped, ...withoutFingerprint } = detection('fp-missing');
    const invalid = await call(client, 'send_detections', { play_id: playId, detections: [withoutFingerprint] });
    expect(invalid.isError).toBe(true);
    expect(text(invalid)).toContain('fingerprint');
    const badSeverity = await call(client, 'send_detections', {
      play_id: playId,
      detections: [{ ...detection('fp-x'), severity: 'apocalyptic' }],
    });
    expect(badSeverity.isError).toBe(true);
    expect(text(badSeverity)).toContain('severity');

    const sent = json(
      await call(client, 'send_detections', {
        play_id: playId,
        batch_id: 'b-1',
        detections: [detection('fp-1'), detection('fp-2', { code: 'R1', severity: 'critical' })],
      }),
    );
    expect(sent).toEqual({ playId, batchId: 'b-1', sent: 2 });
    // the same batch id again is applied once
    await call(client, 'send_detections', {
      play_id: playId,
      batch_id: 'b-1',
      detections: [detection('fp-1'), detection('fp-2', { code: 'R1', severity: 'critical' })],
    });
    const view = await eventually(
      async () => json(await call(client, 'get_session', { play_id: playId })),
      (s) => s.detections.total >= 2,
    );
    expect(view.detections).toMatchObject({ total: 2, unique: 2 });
    expect(view.alertCodes.sort()).toEqual(['R1', 'R2']);

    const unknown = await call(client, 'send_detections', {
      play_id: uniqueId('ghost'),
      detections: [detection('fp-3')],
    });
    expect(unknown.isError).toBe(true);
    expect(text(unknown)).toMatch(/not found \(404/);
  });

  test('unknown sessions are tool errors', async () => {
    const result = await call(connect(), 'get_session', { play_id: uniqueId('nope') });
    expect(result.isError).toBe(true);
    expect(text(result)).toMatch(/session .* not found \(404 not_found\)/);
  });
}

describe('MCP server on a real dev server', () => {
  const taskQueue = uniqueTaskQueue('mcp');
  let worker: Worker;
  let running: Promise<void>;

  beforeAll(async () => {
    worker = await createTestWorker({ taskQueue });
    running = worker.run();
  });
  afterAll(async () => {
    worker.shutdown();
    await running;
    await closeTestConnections();
  });

  describe('over stdio (a spawned process)', () => {
    let client: McpClient;
    let stderr: () => string;

    beforeAll(async () => {
      ({ client, stderr } = await connectStdioMcp('mcp-stdio-entry.js', {
        TEMPORAL_ADDRESS: testAddress(),
        HEALER_MCP_TASK_QUEUE: taskQueue,
        HEALER_STATE_DIR: process.env.HEALER_TEST_DIR ?? '',
        HEALER_LOG_LEVEL: 'silent',
      }));
    });
    afterAll(async () => {
      await client?.close();
    });

    test('the process identifies itself as healer', () => {
      expect(client.getServerVersion()).toMatchObject({ name: 'healer' });
      expect(stderr()).not.toContain('mcp-stdio-entry:');
    });

    sharedBehaviour(() => client);

    test('capabilities that are not wired answer with a tool error saying so', async () => {
      for (const [name, args] of [
        ['approve_incident', { incident_id: 'incident-x-y' }],
        ['reject_incident', { incident_id: 'incident-x-y', comment: 'no' }],
        ['get_watchdog', {}],
      ] as const) {
        const result = await call(client, name, args);
        expect(result.isError).toBe(true);
        expect(text(result)).toContain('unavailable');
      }
    });

    test('send_logs without a log pipeline is a tool error saying log push is unavailable', async () => {
      const result = await call(client, 'send_logs', { play_id: uniqueId('logs'), lines: ['panicked at src/main.rs'] });
      expect(result.isError).toBe(true);
      expect(text(result)).toContain('log push is unavailable');
    });
  });

  describe('over streamable HTTP on the API (/mcp)', () => {
    const token = 'mcp-s3cret';
    let app: FastifyInstance;
    let url: string;
    let client: McpClient;

    beforeAll(async () => {
      const config = loadConfig({
        TEMPORAL_ADDRESS: testAddress(),
        HEALER_LOG_LEVEL: 'silent',
        HEALER_STATE_DIR: process.env.HEALER_TEST_DIR,
        HEALER_API_TOKEN: token,
      });
      const temporal = await testClient();
      app = await buildApi({ config, client: temporal, services: composeApi(config, temporal, { taskQueue }) });
      await app.listen({ host: '127.0.0.1', port: 0 });
      url = `http://127.0.0.1:${(app.server.address() as { port: number }).port}/mcp`;
      client = new McpClient({ name: 'healer-test', version: '1.0.0' });
      await client.connect(
        new StreamableHTTPClientTransport(new URL(url), {
          requestInit: { headers: { authorization: `Bearer ${token}` } },
        }),
      );
    });
    afterAll(async () => {
      await client?.close();
      await app?.close();
    });

    sharedBehaviour(() => client);

    test('send_logs scans the lines and signals what matched to the session', async () => {
      const playId = uniqueId('logs');
      await call(client, 'start_session', samplePayload(playId));
      const pushed = json(
        await call(client, 'send_logs', {
          play_id: playId,
          lines: [
            "thread 'main' panicked at src/main.rs:10:5",
            'INFO all good, 0 errors',
            'Error: connect ECONNREFUSED 10.0.0.1:5432 connection refused',
          ],
          labels: { agent: 'rex', task_id: '1', pod: 'rex-1' },
        }),
      );
      expect(pushed).toMatchObject({ playId, lines: 3, detections: 2 });
      expect(pushed.batches[0]).toMatchObject({ workflowId: `play-${playId}`, codes: ['R1', 'R2'] });
      const view = await eventually(
        async () => json(await call(client, 'get_session', { play_id: playId })),
        (s) => s.detections.total >= 2,
      );
      expect(view.alertCodes.sort()).toEqual(['R1', 'R2']);
      expect(view.fingerprints.every((f: { agent?: string }) => f.agent === 'rex')).toBe(true);
    });

    test('approve, reject and the watchdog go to Temporal: unknown ones are 404 tool errors', async () => {
      const incident = `incident-${uniqueId('nope')}-fp`;
      for (const name of ['approve_incident', 'reject_incident']) {
        const result = await call(client, name, { incident_id: incident, by: 'ops' });
        expect(result.isError).toBe(true);
        expect(text(result)).toContain(`incident ${incident} not found (404`);
      }
      const namespace = uniqueId('wd').toLowerCase();
      const watchdog = await call(client, 'get_watchdog', { namespace });
      expect(watchdog.isError).toBe(true);
      expect(text(watchdog)).toContain(`watchdog for namespace ${namespace}`);
      expect(text(watchdog)).toContain('404');
    });

    test('/mcp needs the bearer token', async () => {
      const initialize = {
        jsonrpc: '2.0',
        id: 1,
        method: 'initialize',
        params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'x', version: '1' } },
      };
      const accept = { accept: 'application/json, text/event-stream' };
      const missing = await http(url, 'POST', initialize, accept);
      expect(missing.status).toBe(401);
      expect(missing.headers.get('www-authenticate')).toMatch(/^Bearer/);
      expect((await http(url, 'POST', initialize, { ...accept, authorization: 'Bearer wrong' })).status).toBe(401);
      const allowed = await http(url, 'POST', initialize, { ...accept, authorization: `Bearer ${token}` });
      expect(allowed.status).toBe(200);
      expect(allowed.body.result.serverInfo.name).toBe('healer');

      const stranger = new McpClient({ name: 'stranger', version: '1.0.0' });
      await expect(stranger.connect(new StreamableHTTPClientTransport(new URL(url)))).rejects.toThrow(
        /bearer token is required/,
      );
    });

    test('the endpoint is stateless: GET and DELETE are 405', async () => {
      const auth = { authorization: `Bearer ${token}` };
      expect((await http(url, 'GET', undefined, auth)).status).toBe(405);
      expect((await http(url, 'DELETE', undefined, auth)).status).toBe(405);
    });
  });
});
