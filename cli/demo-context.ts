// The demo's multi-agent part: the sample session's agents start (agentStarted, as the platform's launcher
// signals it) and report their tools in their own logs — cleo lacks one she declares, so pre-flight raises
// A10 naming it — then tess logs the tools-server refusing connections and, a minute later by the lines'
// own clocks, rex's MCP server fails to initialize. rex's incident reads every agent's window, finds tess's
// line and tess's incident, and links to it instead of proposing a second fix. Shows the checklist, the
// correlated lines and the link, and the dry-run issue as Healer wrote it.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Client, Connection } from '@temporalio/client';
import {
  agentReadySignal,
  agentStartedSignal,
  sessionWorkflowId,
  type IncidentView,
  type SessionView,
} from '../core/contract';
import { apiRequest } from './api-client';

export interface ContextDemoOptions {
  api: { baseUrl: string; token?: string };
  temporal: { address: string; namespace: string };
  playId: string;
  /** HEALER_STATE_DIR of the worker: the dry-run GitHub effects (issue bodies) are recorded there. */
  stateDir: string;
  log: (line: string) => void;
  timeoutMs?: number;
}

const TOOLS = {
  rex: [
    'github_create_pull_request',
    'github_get_file_contents',
    'brave_search',
    'read_file',
    'write_file',
    'list_directory',
  ],
  // cleo's cto_config also declares github_create_pull_request_review: it is missing here.
  cleo: ['github_get_pull_request'],
  tess: ['kubernetes_get_pods', 'github_get_pull_request'],
};

async function until<T>(what: string, read: () => Promise<T>, done: (value: T) => boolean, timeoutMs: number) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (done(value)) return value;
    if (Date.now() > deadline) throw new Error(`context demo: ${what} did not happen within ${timeoutMs / 1000} s`);
    await new Promise((resolve) => setTimeout(resolve, 300));
  }
}

/** The body of the dry-run issue of `incidentId`, as recorded by the worker. */
function dryRunIssueBody(stateDir: string, incidentId: string): string | undefined {
  const lines = readFileSync(join(stateDir, 'dry-run', 'dry-run.jsonl'), 'utf8')
    .split('\n')
    .filter(Boolean);
  const effects = lines.map((line) => JSON.parse(line) as { incidentId?: string; action: string; body?: string });
  return effects.find((e) => e.incidentId === incidentId && e.action === 'create-issue')?.body;
}

export async function showMultiAgentContext(opts: ContextDemoOptions): Promise<string[]> {
  const { api, playId, log } = opts;
  const timeoutMs = opts.timeoutMs ?? 90_000;
  const push = (agent: string, lines: string[], taskId: string) =>
    apiRequest(api, 'POST', `/api/v1/session/${playId}/logs`, {
      lines,
      labels: { agent, task_id: taskId, pod: `${agent}-0` },
    });
  const connection = await Connection.connect({ address: opts.temporal.address });
  try {
    const session = new Client({ connection, namespace: opts.temporal.namespace }).workflow.getHandle(
      sessionWorkflowId(playId),
    );
    for (const agent of Object.keys(TOOLS)) await session.signal(agentStartedSignal, { agent });
    await session.signal(agentReadySignal, {
      agent: 'rex',
      taskId: '1',
      checks: {
        templateLoaded: { ok: true, detail: 'code/codex.md.hbs' },
        languageContext: { ok: true, detail: 'rust (Cargo.toml)' },
      },
    });
    for (const [agent, tools] of Object.entries(TOOLS))
      await push(
        agent,
        [`tool inventory: [${tools.join(', ')}]`],
        agent === 'rex' ? '1' : agent === 'cleo' ? '2' : '3',
      );
    log('agents started and reported their tools; cleo lacks github_create_pull_request_review');

    const now = Date.now();
    const at = (offsetSecs: number) => new Date(now + offsetSecs * 1000).toISOString();
    const chatter = (agent: string, from: number, to: number) =>
      Array.from({ length: to - from }, (_, i) => `${at(from + i)} INFO ${agent} working (${i})`);
    await push(
      'tess',
      [
        ...chatter('tess', -70, -61),
        `${at(-60)} ERROR connection refused to tools-server:8080 (dial tcp 10.0.4.12:8080)`,
        ...chatter('tess', -59, -2),
      ],
      '3',
    );
    await new Promise((resolve) => setTimeout(resolve, 1500));
    await push(
      'rex',
      [...chatter('rex', -90, -1), `${at(0)} ERROR MCP server failed to initialize: tools-server:8080 did not answer`],
      '1',
    );
    log('tess logged the tools-server refusing connections; a minute later rex failed to start its MCP server');

    const view = await until(
      'the multi-agent incidents',
      () => apiRequest<SessionView>(api, 'GET', `/api/v1/session/${playId}`),
      (v) =>
        ['A12', 'R2'].every((code) => v.incidents.some((i) => i.code === code && i.status !== 'open' && i.issue)) &&
        // …and each agent's pre-flight window has closed: every item decided, or unknown.
        v.agents.every((a) => !a.startedAt || !Object.values(a.preflight ?? {}).some((c) => c.state === 'pending')),
      timeoutMs,
    );
    const rexIncident = view.incidents.find((i) => i.code === 'A12')!;
    const incident = await apiRequest<IncidentView>(api, 'GET', `/api/v1/incidents/${rexIncident.id}`);
    const sources = incident.context?.sources
      .map((s) => `${s.name} ${s.error ? 'unavailable' : `${s.lines} lines`}`)
      .join(', ');
    const body = dryRunIssueBody(opts.stateDir, incident.id);
    return [
      `Multi-agent failure: rex's ${incident.code} incident is ${incident.status}${incident.linkedTo ? ` to ${incident.linkedTo.incidentId}` : ''} — ${incident.reason ?? ''}`,
      `  its log window: ${incident.context?.lines ?? 0} lines kept from ${sources ?? 'no source'}; ${incident.context?.correlated ?? 0} other failures of the session correlated`,
      '',
      `The issue Healer wrote for it (dry run, ${incident.issue?.title ?? 'no title'}):`,
      '',
      ...(body ?? '(not recorded)').split('\n').map((line) => `    ${line}`),
    ];
  } finally {
    await connection.close();
  }
}
