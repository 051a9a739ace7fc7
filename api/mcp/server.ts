// Healer's MCP server: the same operations as the HTTP API, as tools for agents and operators.
// Tools read and write Temporal only (through SessionService and signals), so every transport and
// every replica answers the same. Failures come back as tool errors (`isError: true`) with the
// API's own messages, never as protocol errors, so a model can read and act on them.
import { randomUUID } from 'node:crypto';
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import { normaliseSessionPayload, PayloadError } from '../../core/session/payload';
import type { Detection } from '../../core/contract';
import { detectionsSignal, sessionWorkflowId, type ApprovalInput } from '../../core/contract';
import type { ApiScope } from '../../runtime/config';
import { forbiddenMessage } from '../auth';
import { HttpError, notFound, temporalHttpError } from '../errors';
import type { SessionService } from '../session/sessions';
import {
  endSessionInput,
  incidentDecisionInput,
  listSessionsInput,
  playIdInput,
  sendDetectionsInput,
  sendLogsInput,
  startSessionInput,
  watchdogInput,
} from './schemas';

export interface LogLabels {
  agent?: string;
  task_id?: string;
  pod?: string;
}

/** What the tools need. Optional functions belong to other capabilities; a tool whose function is absent says so. */
export interface McpDeps {
  sessions: SessionService;
  client: Client;
  /** Scans pushed lines like any log source and signals the session with what matched. */
  pushLogs?: (playId: string, lines: string[], labels: LogLabels) => Promise<unknown>;
  approveIncident?: (incidentId: string, input: ApprovalInput) => Promise<unknown>;
  rejectIncident?: (incidentId: string, input: ApprovalInput) => Promise<unknown>;
  /** The watchdog's view (components, heartbeats, restarts) for a Healer namespace. */
  watchdogState?: (namespace?: string) => Promise<unknown>;
  /** Called once per signal the tools send (e.g. HealerMetrics.signalsSent.inc). */
  onSignalSent?: (signal: string) => void;
  /** What the caller's token may do (HTTP); absent: everything (stdio, a process the operator started). */
  scopes?: ReadonlySet<ApiScope>;
}

export const MCP_SERVER_NAME = 'healer';
export const MCP_SERVER_VERSION = '0.1.0';

const ok = (value: unknown): CallToolResult => ({
  content: [{ type: 'text', text: JSON.stringify(value, null, 2) }],
  ...(value && typeof value === 'object' && !Array.isArray(value)
    ? { structuredContent: value as Record<string, unknown> }
    : {}),
});

const toolError = (text: string): CallToolResult => ({ content: [{ type: 'text', text }], isError: true });

/** The text a person or a model reads when a tool fails. */
export function describeToolError(error: unknown): string {
  if (error instanceof PayloadError) return `invalid payload: ${error.field}: ${error.reason}`;
  const http = error instanceof HttpError ? error : temporalHttpError(error);
  if (http) return `${http.message} (${http.statusCode} ${http.code}${http.field ? `, field ${http.field}` : ''})`;
  return `error: ${(error as Error)?.message ?? String(error)}`;
}

/** Runs a tool body if the caller has `scope`; whatever it throws becomes a tool error with a clear message. */
function runner(scopes: ReadonlySet<ApiScope> | undefined) {
  return <A>(scope: ApiScope, body: (args: A) => Promise<unknown>) =>
    async (args: A): Promise<CallToolResult> => {
      try {
        if (scopes && !scopes.has(scope)) throw new HttpError(403, 'forbidden', forbiddenMessage(scope));
        return ok(await body(args));
      } catch (error) {
        return toolError(describeToolError(error));
      }
    };
}

const unavailable = (what: string, why: string) =>
  new HttpError(501, 'not_implemented', `${what} is unavailable in this Healer process (${why})`);

export function createMcpServer(deps: McpDeps): McpServer {
  const server = new McpServer({ name: MCP_SERVER_NAME, version: MCP_SERVER_VERSION });
  const run = runner(deps.scopes);

  server.registerTool(
    'start_session',
    {
      title: 'Start a play session',
      description:
        'Starts watching a play session (workflow play-<play_id>). Same payload as POST /api/v1/session/start; fails if the session is already active.',
      inputSchema: startSessionInput,
      annotations: { destructiveHint: false, idempotentHint: false },
    },
    run('write', async (args) => {
      const input = normaliseSessionPayload(args);
      const started = await deps.sessions.start(input);
      return { playId: input.playId, status: 'active', ...started };
    }),
  );

  server.registerTool(
    'get_session',
    {
      title: 'Show a play session',
      description:
        'The session as its workflow sees it: agents and pre-flight checklist, detections by code, recent fingerprints, incidents.',
      inputSchema: playIdInput,
      annotations: { readOnlyHint: true },
    },
    run('read', async ({ play_id }) => deps.sessions.get(play_id)),
  );

  server.registerTool(
    'list_sessions',
    {
      title: 'List play sessions',
      description:
        'One page of sessions from Temporal visibility, newest first: status, alert codes, severity, incident count; pass nextCursor as cursor for the next page.',
      inputSchema: listSessionsInput,
      annotations: { readOnlyHint: true },
    },
    run('read', async ({ active_only, limit, cursor }) => {
      const page = await deps.sessions.listPage({ activeOnly: active_only ?? false, limit, cursor });
      return { count: page.sessions.length, ...page };
    }),
  );

  server.registerTool(
    'send_logs',
    {
      title: 'Send log lines to a session',
      description:
        'Pushes raw log lines for a session; they are scanned against the detection catalog and matches are signalled to the session.',
      inputSchema: sendLogsInput,
    },
    run('write', async ({ play_id, lines, labels }) => {
      if (!deps.pushLogs) throw unavailable('log push', 'no log pipeline is wired into this server');
      const result = await deps.pushLogs(play_id, lines, labels ?? {});
      return result ?? { playId: play_id, accepted: lines.length };
    }),
  );

  server.registerTool(
    'send_detections',
    {
      title: 'Send detections to a session',
      description:
        'Signals a batch of already-matched detections to play-<play_id> (signal "detections"). Each detection needs code, severity, priority, patternId, fingerprint, line, source and observedAt.',
      inputSchema: sendDetectionsInput,
    },
    run('write', async ({ play_id, detections, batch_id }) => {
      const batchId = batch_id ?? `mcp-${randomUUID()}`;
      try {
        await deps.client.workflow
          .getHandle(sessionWorkflowId(play_id))
          .signal(detectionsSignal, { batchId, detections: detections as Detection[] });
      } catch (error) {
        if (error instanceof WorkflowNotFoundError) throw notFound(`active session ${play_id}`);
        throw error;
      }
      deps.onSignalSent?.('detections');
      return { playId: play_id, batchId, sent: detections.length };
    }),
  );

  server.registerTool(
    'end_session',
    {
      title: 'End a play session',
      description:
        'Signals the session to finish with a final status (default completed). Fails if it is unknown or no longer active.',
      inputSchema: endSessionInput,
      annotations: { destructiveHint: true, idempotentHint: false },
    },
    run('write', async ({ play_id, status, reason }) => {
      await deps.sessions.end(play_id, { ...(status ? { status } : {}), ...(reason ? { reason } : {}) });
      deps.onSignalSent?.('end');
      return { playId: play_id, status: 'ending' };
    }),
  );

  const decision = (name: 'approve_incident' | 'reject_incident', title: string, fn: McpDeps['approveIncident']) =>
    server.registerTool(
      name,
      {
        title,
        description: `${title} waiting at the human gate (update "${name === 'approve_incident' ? 'approve' : 'reject'}" on the incident workflow).`,
        inputSchema: incidentDecisionInput,
      },
      run('admin', async ({ incident_id, by, comment }) => {
        if (!fn) throw unavailable(name.replace('_', ' '), 'the healing chain is not wired into this server');
        return fn(incident_id, { ...(by ? { by } : {}), ...(comment ? { comment } : {}) });
      }),
    );
  decision('approve_incident', 'Approve an incident', deps.approveIncident);
  decision('reject_incident', 'Reject an incident', deps.rejectIncident);

  server.registerTool(
    'get_watchdog',
    {
      title: 'Read the watchdog state',
      description:
        "Healer's own health: each component's state, last heartbeat, restarts in the window and any running recovery playbook.",
      inputSchema: watchdogInput,
      annotations: { readOnlyHint: true },
    },
    run('admin', async ({ namespace }) => {
      if (!deps.watchdogState) throw unavailable('the watchdog state', 'no watchdog reader is wired into this server');
      return deps.watchdogState(namespace);
    }),
  );

  return server;
}
