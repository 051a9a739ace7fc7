// One composition root for the API process kind: a session started through `healer mcp` (the stdio
// server, spawned as an MCP host spawns it) gets the same defaults as one started through the HTTP API
// (`startApi`), both configured from the same environment: pre-flight window, open-incident cap,
// evidence interval, cto-config remediation defaults and the Temporal UI link. Read back from the
// workflows' start input on the real dev server, for the session and for the incident it opens.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Worker } from '@temporalio/worker';
import { defaultPayloadConverter } from '@temporalio/common';
import { Client as McpClient } from '@modelcontextprotocol/sdk/client/index.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { startApi, type RunningApi } from '../../api/server';
import { loadConfig } from '../../runtime/config';
import { sessionWorkflowId, type IncidentInput, type SessionView } from '../../core/contract';
import type { SessionRunInput } from '../../workflows/session/session';
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
import { samplePayload } from '../support/sessions';

const remediation = { requireApproval: true, maxIterations: 2, deniedPaths: ['infra/**'] };
const CRASH = "thread 'main' panicked at src/main.rs:10:5";

async function startInput<T>(workflowId: string): Promise<T> {
  const { events } = await (await testClient()).workflow.getHandle(workflowId).fetchHistory();
  const payload = events?.[0]?.workflowExecutionStartedEventAttributes?.input?.payloads?.[0];
  if (!payload) throw new Error(`no start input in the history of ${workflowId}`);
  return defaultPayloadConverter.fromPayload<T>(payload);
}

describe('HTTP API and MCP stdio share one composition root', () => {
  const taskQueue = uniqueTaskQueue('compose');
  const started: string[] = [];
  let worker: Worker;
  let running: Promise<void>;
  let api: RunningApi;
  let mcp: McpClient;
  let mcpStderr: () => string;

  const ctoConfig = join(mkdtempSync(join(tmpdir(), 'healer-compose-')), 'cto-config.json');
  writeFileSync(ctoConfig, JSON.stringify({ remediation }));
  const env: Record<string, string> = {
    TEMPORAL_ADDRESS: testAddress(),
    TEMPORAL_UI_URL: 'http://ui.example:8233',
    HEALER_STATE_DIR: process.env.HEALER_TEST_DIR ?? '',
    HEALER_LOG_LEVEL: 'silent',
    HEALER_PORT: '0',
    CTO_CONFIG: ctoConfig,
    HEALER_PREFLIGHT_WINDOW_MS: '45000',
    HEALER_MAX_OPEN_INCIDENTS: '7',
    HEALER_EVIDENCE_INTERVAL_MS: '4321',
  };

  beforeAll(async () => {
    worker = await createTestWorker({ taskQueue });
    running = worker.run();
    api = await startApi(loadConfig(env), { taskQueue });
    ({ client: mcp, stderr: mcpStderr } = await connectStdioMcp('mcp-serve-entry.js', {
      ...env,
      HEALER_MCP_TASK_QUEUE: taskQueue,
    }));
  });

  afterAll(async () => {
    await mcp?.close();
    await api?.close();
    const client = await testClient();
    // The incidents wait for activities this worker does not serve: stop everything this test started.
    await Promise.all(
      started.map((id) =>
        client.workflow
          .getHandle(id)
          .terminate('test over')
          .catch(() => undefined),
      ),
    );
    worker?.shutdown();
    await running;
    await closeTestConnections();
  });

  const callTool = async (name: string, args: Record<string, unknown>) => {
    const result = (await mcp.callTool({ name, arguments: args })) as CallToolResult;
    const text = (result.content as Array<{ text: string }>).map((c) => c.text).join('\n');
    if (result.isError) throw new Error(`${name}: ${text} (server stderr: ${mcpStderr()})`);
    return JSON.parse(text);
  };

  /** The incident the crash line opened in a session, once the session reports it. */
  const incidentOf = async (playId: string): Promise<string> => {
    const view = await eventually(
      async () => (await http(`${api.url}/api/v1/session/${playId}`, 'GET')).body as SessionView,
      (v) => v.incidents?.length === 1,
    );
    started.push(view.incidents[0].id);
    return view.incidents[0].id;
  };

  test('the same session settings and incident remediation through either', async () => {
    const viaHttp = uniqueId('http');
    const viaMcp = uniqueId('mcp');
    started.push(sessionWorkflowId(viaHttp), sessionWorkflowId(viaMcp));

    expect((await http(`${api.url}/api/v1/session/start`, 'POST', samplePayload(viaHttp))).status).toBe(201);
    expect(await callTool('start_session', samplePayload(viaMcp))).toMatchObject({ playId: viaMcp, status: 'active' });

    const expectedSettings = (playId: string) => ({
      preflightWindowMs: 45_000,
      maxOpenIncidents: 7,
      evidenceIntervalMs: 4321,
      remediationDefaults: remediation,
      sessionLink: `http://ui.example:8233/namespaces/default/workflows/${sessionWorkflowId(playId)}`,
    });
    const httpSession = await startInput<SessionRunInput>(sessionWorkflowId(viaHttp));
    const mcpSession = await startInput<SessionRunInput>(sessionWorkflowId(viaMcp));
    expect(httpSession.settings).toMatchObject(expectedSettings(viaHttp));
    expect(mcpSession.settings).toMatchObject(expectedSettings(viaMcp));
    // …and nothing else differs (every setting composeApi adds reaches both).
    const withoutLink = (input: SessionRunInput) => ({ ...input.settings, sessionLink: undefined });
    expect(withoutLink(mcpSession)).toEqual(withoutLink(httpSession));

    // A crash pushed through each transport opens an incident carrying the cto-config defaults.
    const labels = { agent: 'rex', task_id: '1' };
    const pushed = await http(`${api.url}/api/v1/session/${viaHttp}/logs`, 'POST', { lines: [CRASH], labels });
    expect(pushed.status).toBe(202);
    expect(await callTool('send_logs', { play_id: viaMcp, lines: [CRASH], labels })).toMatchObject({ detections: 1 });
    const httpIncident = await startInput<IncidentInput>(await incidentOf(viaHttp));
    const mcpIncident = await startInput<IncidentInput>(await incidentOf(viaMcp));
    expect(httpIncident.remediation).toEqual(remediation);
    expect(mcpIncident.remediation).toEqual(remediation);
    expect(mcpIncident.sessionLink).toBe(expectedSettings(viaMcp).sessionLink);
    expect(mcpStderr()).not.toContain('mcp-serve-entry:');
  });
});
