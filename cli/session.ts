// `healer session start|list|show|end`: talk to the API.
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import type { SessionView } from '../core/contract';
import type { SessionListItem } from '../api/session/sessions';
import { apiRequest, type ApiClientOptions } from './api-client';
import { UsageError, type CliIo } from './io';

export const SESSION_HELP = `Usage: healer session <start|list|show|end> [options]

  start --file PAYLOAD.json          start a play session from a JSON payload (snake_case or camelCase)
  start --play-id ID --repository OWNER/NAME [--namespace NS]
  list [--active] [--json]           sessions from Temporal (all, or active only)
  show PLAY_ID [--json]              one session's status, agents, detections and incidents
  end PLAY_ID [--reason TEXT] [--status completed|failed|cancelled]

Environment: HEALER_API_URL (default http://127.0.0.1:8083), HEALER_API_TOKEN.`;

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
  }
  for (const i of v.incidents) {
    const ref = (r?: { number?: number; url?: string; title: string; dryRun: boolean }) =>
      r ? (r.dryRun ? `(dry run) ${r.title}` : `#${r.number} ${r.url ?? ''}`) : '—';
    lines.push(
      `  incident ${i.id}: ${i.code} ${i.severity} ×${i.occurrences} [${i.status}, step ${i.step}] issue ${ref(i.issue)} PR ${ref(i.pr)}`,
    );
  }
  if (v.incidentsDeferred) lines.push(`  ${v.incidentsDeferred} detections past the open-incident cap`);
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
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  return [header, ...rows]
    .map((r) =>
      r
        .map((cell, i) => cell.padEnd(widths[i]))
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}

export async function runSessionCommand(argv: string[], io: CliIo, api: ApiClientOptions): Promise<number> {
  const [sub, ...rest] = argv;
  if (!sub || sub === '--help' || sub === '-h') {
    io.stdout.write(`${SESSION_HELP}\n`);
    return sub ? 0 : 2;
  }
  const { values, positionals } = parseArgs({
    args: rest,
    allowPositionals: true,
    options: {
      file: { type: 'string' },
      'play-id': { type: 'string' },
      repository: { type: 'string' },
      namespace: { type: 'string' },
      active: { type: 'boolean' },
      json: { type: 'boolean' },
      reason: { type: 'string' },
      status: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    io.stdout.write(`${SESSION_HELP}\n`);
    return 0;
  }
  const print = (value: unknown, human: string) =>
    io.stdout.write(`${values.json ? JSON.stringify(value, null, 2) : human}\n`);
  const playIdArg = () => {
    if (positionals.length !== 1) throw new UsageError(`session ${sub} takes exactly one PLAY_ID`);
    return encodeURIComponent(positionals[0]);
  };

  switch (sub) {
    case 'start': {
      let payload: unknown;
      if (values.file) {
        try {
          payload = JSON.parse(readFileSync(values.file, 'utf8'));
        } catch (error) {
          throw new UsageError(`--file ${values.file}: ${(error as Error).message}`);
        }
      } else if (values['play-id'] && values.repository) {
        payload = {
          play_id: values['play-id'],
          repository: values.repository,
          ...(values.namespace ? { namespace: values.namespace } : {}),
        };
      } else {
        throw new UsageError('session start needs --file PAYLOAD.json, or --play-id and --repository');
      }
      const started = await apiRequest<{ playId: string; workflowId: string }>(
        api,
        'POST',
        '/api/v1/session/start',
        payload,
      );
      print(started, `started session ${started.playId} (workflow ${started.workflowId})`);
      return 0;
    }
    case 'list': {
      const result = await apiRequest<{ count: number; sessions: SessionListItem[] }>(
        api,
        'GET',
        values.active ? '/api/v1/sessions/active' : '/api/v1/sessions',
      );
      print(result, renderList(result.sessions));
      return 0;
    }
    case 'show': {
      const view = await apiRequest<SessionView>(api, 'GET', `/api/v1/session/${playIdArg()}`);
      print(view, renderView(view));
      return 0;
    }
    case 'end': {
      const id = playIdArg();
      if (values.status && !['completed', 'failed', 'cancelled'].includes(values.status))
        throw new UsageError('--status must be completed, failed or cancelled');
      const body = {
        ...(values.reason ? { reason: values.reason } : {}),
        ...(values.status ? { status: values.status } : {}),
      };
      await apiRequest(api, 'POST', `/api/v1/session/${id}/end`, body);
      print({ playId: decodeURIComponent(id), status: 'ending' }, `ending session ${decodeURIComponent(id)}`);
      return 0;
    }
    default:
      throw new UsageError(`unknown session command "${sub}"`);
  }
}
