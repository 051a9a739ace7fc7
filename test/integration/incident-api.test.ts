// The human gate through the real API and MCP server: a decision the incident's validator refuses
// (already decided, no gate, finished) is a 409 saying why; an incident id that never ran is a 404.
import { Client as McpClient } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import type { IncidentView } from '../../core/contract';
import { http, startTestApi, type TestApi } from '../support/api';
import { closeTestConnections, eventually } from '../support/temporal';
import { createHarness, detection, REPO, type Harness } from './incident-harness';

jest.setTimeout(120_000);

describe('approve / reject through the API and MCP', () => {
  let h: Harness;
  let api: TestApi;
  const decide = (id: string, action: 'approve' | 'reject', body: object = {}) =>
    http(`${api.url}/api/v1/incidents/${id}/${action}`, 'POST', body);

  beforeAll(async () => {
    // CI never finishes here: incidents wait in 'verifying' until their ciTimeoutSecs.
    h = await createHarness({ github: { ciPendingPolls: 1_000_000 } });
    await h.startWorkers();
    api = await startTestApi({ taskQueue: h.taskQueue });
  });
  afterAll(async () => {
    await api?.close();
    await h?.close();
    await closeTestConnections();
  });

  test('the first decision wins; a second one and one after the end are 409 with the reason', async () => {
    const handle = await h.start({
      detection: detection(),
      remediation: { requireApproval: true, ciTimeoutSecs: 1 },
    });
    const id = handle.workflowId;
    await eventually(
      () => h.view(handle),
      (v) => v.step === 'awaiting-approval',
    );

    const approved = await decide(id, 'approve', { by: 'alice' });
    expect(approved).toMatchObject({ status: 200, body: { incidentId: id, decision: 'approved' } });
    const again = await decide(id, 'reject', { by: 'mallory' });
    expect(again.status).toBe(409);
    expect(again.body).toEqual({
      error: 'conflict',
      message: `incident ${id} cannot be rejected: the incident was already approved`,
    });

    const view = (await handle.result()) as IncidentView;
    expect(view).toMatchObject({ status: 'escalated', approval: { decision: 'approved', by: 'alice' } });
    expect(h.github.pulls(REPO)).toHaveLength(1);

    const late = await decide(id, 'approve');
    expect(late.status).toBe(409);
    expect(late.body.message).toBe(`incident ${id} is finished (completed): nothing waits for a decision`);
  });

  test('an incident without a gate refuses decisions over MCP with the same 409', async () => {
    const handle = await h.start({ detection: detection(), remediation: { ciTimeoutSecs: 60 } });
    await eventually(
      () => h.view(handle),
      (v) => v.step === 'verifying',
    );
    const mcp = new McpClient({ name: 'incident-api-test', version: '1' });
    await mcp.connect(new StreamableHTTPClientTransport(new URL(`${api.url}/mcp`)));
    try {
      const result = (await mcp.callTool({
        name: 'approve_incident',
        arguments: { incident_id: handle.workflowId, by: 'ops' },
      })) as CallToolResult;
      expect(result.isError).toBe(true);
      const text = result.content.map((part) => (part.type === 'text' ? part.text : '')).join('');
      expect(text).toContain('409');
      expect(text).toContain('the incident does not wait for approval (remediation.requireApproval is off)');
    } finally {
      await mcp.close();
      await handle.terminate('test over');
    }
    // Refused in the validator: the incident's history holds no update.
    const { events } = await handle.fetchHistory();
    expect((events ?? []).filter((event) => event.workflowExecutionUpdateAcceptedEventAttributes)).toEqual([]);
  });

  test('an incident id that never ran is a 404', async () => {
    expect((await decide('incident-never-ran-fp', 'approve')).status).toBe(404);
  });
});
