// `healer session start|list|show|end`: talk to the API (exit 1 on an API error, see cli/api-client.ts).
import { readFileSync } from 'node:fs';
import { PREFLIGHT_ITEMS, type SessionView } from '../core/contract';
import { ITEM_LABELS } from '../core/session/checklist';
import type { SessionListItem } from '../api/session/sessions';
import { apiRequest, type ApiClientOptions } from './api-client';
import { UsageError, type CliIo } from './io';
import { formatTable } from './table';

export function renderView(v: SessionView): string {
  const lines = [
    `session ${v.playId}  [${v.status}]  ${v.repository}  (namespace ${v.namespace})`,
    `  started ${v.startedAt}, updated ${v.updatedAt}${v.endedAt ? `, ended ${v.endedAt}` : ''}${v.endReason ? ` — ${v.endReason}` : ''}`,
    `  detections: ${v.detections.total} total, ${v.detections.unique} distinct${v.alertCodes.length ? `; codes ${v.alertCodes.join(', ')}` : ''}${v.maxSeverity ? `; worst ${v.maxSeverity}` : ''}`,
  ];
  for (const a of v.agents) {
    const c = a.checklist;
    lines.push(
      `  agent ${a.name}: prompts ${c.prompts}, config ${c.config}, MCP tools ${c.mcpTools}, tools-server ${c.toolsServer}${a.missingTools?.length ? `; missing ${a.missingTools.join(', ')}` : ''}`,
    );
    // Each pre-flight item with the evidence it was decided on (sessions started before it have none).
    for (const item of a.preflight ? PREFLIGHT_ITEMS : []) {
      const check = a.preflight![item];
      lines.push(`    ${check.state.padEnd(7)} ${ITEM_LABELS[item]}${check.evidence ? ` — ${check.evidence}` : ''}`);
    }
  }
  for (const i of v.incidents) {
    const ref = (r?: { number?: number; url?: string; title: string; dryRun: boolean }) =>
      r ? (r.dryRun ? `(dry run) ${r.title}` : `#${r.number} ${r.url ?? ''}`) : '—';
    lines.push(
      `  incident ${i.id}: ${i.code} ${i.severity} ×${i.occurrences} [${i.status}, step ${i.step}] issue ${ref(i.issue)} PR ${ref(i.pr)}`,
    );
  }
  if (v.incidentsDeferred)
    lines.push(`  ${v.incidentsDeferred} failures waiting for an incident slot (open-incident cap)`);
  if (v.configWarnings?.length) lines.push(`  cto_config warnings: ${v.configWarnings.join('; ')}`);
  return lines.join('\n');
}

function renderList(items: SessionListItem[]): string {
  if (!items.length) return 'no sessions';
  const rows = items.map((s) => [
    s.playId,
    s.status,
    s.repository ?? '',
    s.alertCodes.join(',') || '-',
    s.severity ?? '-',
    String(s.incidentCount),
    s.startedAt ?? '',
  ]);
  const header = ['PLAY ID', 'STATUS', 'REPOSITORY', 'CODES', 'SEVERITY', 'INCIDENTS', 'STARTED'];
  return formatTable(header, rows);
}

const print = (io: CliIo, json: boolean | undefined, value: unknown, human: string) =>
  io.stdout.write(`${json ? JSON.stringify(value, null, 2) : human}\n`);

export interface StartOptions {
  file?: string;
  playId?: string;
  repository?: string;
  namespace?: string;
  json?: boolean;
}

/** The start payload: the JSON file, or the minimal payload from --play-id and --repository. */
function startPayload(opts: StartOptions): unknown {
  if (opts.file) {
    try {
      return JSON.parse(readFileSync(opts.file, 'utf8'));
    } catch (error) {
      throw new UsageError(`--file ${opts.file}: ${(error as Error).message}`);
    }
  }
  if (opts.playId && opts.repository)
    return {
      play_id: opts.playId,
      repository: opts.repository,
      ...(opts.namespace ? { namespace: opts.namespace } : {}),
    };
  throw new UsageError('needs --file PAYLOAD.json, or --play-id and --repository');
}

export async function startSession(api: ApiClientOptions, io: CliIo, opts: StartOptions): Promise<number> {
  const started = await apiRequest<{ playId: string; workflowId: string }>(
    api,
    'POST',
    '/api/v1/session/start',
    startPayload(opts),
  );
  print(io, opts.json, started, `started session ${started.playId} (workflow ${started.workflowId})`);
  return 0;
}

export async function listSessions(
  api: ApiClientOptions,
  io: CliIo,
  opts: { active?: boolean; json?: boolean },
): Promise<number> {
  const path = opts.active ? '/api/v1/sessions/active' : '/api/v1/sessions';
  const result = await apiRequest<{ count: number; sessions: SessionListItem[] }>(api, 'GET', path);
  print(io, opts.json, result, renderList(result.sessions));
  return 0;
}

export async function showSession(
  api: ApiClientOptions,
  io: CliIo,
  playId: string,
  opts: { json?: boolean },
): Promise<number> {
  const view = await apiRequest<SessionView>(api, 'GET', `/api/v1/session/${encodeURIComponent(playId)}`);
  print(io, opts.json, view, renderView(view));
  return 0;
}

export type EndStatus = 'completed' | 'failed' | 'cancelled';

export async function endSession(
  api: ApiClientOptions,
  io: CliIo,
  playId: string,
  opts: { reason?: string; status?: EndStatus; json?: boolean },
): Promise<number> {
  const body = { ...(opts.reason ? { reason: opts.reason } : {}), ...(opts.status ? { status: opts.status } : {}) };
  await apiRequest(api, 'POST', `/api/v1/session/${encodeURIComponent(playId)}/end`, body);
  print(io, opts.json, { playId, status: 'ending' }, `ending session ${playId}`);
  return 0;
}
