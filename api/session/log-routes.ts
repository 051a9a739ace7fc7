// POST /api/v1/session/{play_id}/logs: pushed log lines are scanned like any other source.
// JSON `{lines: [...], labels: {agent, task_id, pod}}`, or text/plain one line per line with the
// labels as query parameters. 202 once accepted; 400 naming what is wrong; 404 for an unknown session.
import type { FastifyInstance, preHandlerAsyncHookHandler } from 'fastify';
import type { SessionService } from './sessions';
import { badRequest } from '../errors';
import type { PushLogs } from '../mcp/push-logs';

export const MAX_PUSHED_LINES = 10_000;
const MAX_LINE_LENGTH = 64 * 1024;
const LABEL_KEYS = ['agent', 'task_id', 'pod'] as const;

type Labels = Partial<Record<(typeof LABEL_KEYS)[number], string>>;

function readLines(body: unknown): string[] {
  if (typeof body === 'string') return body.split(/\r?\n/).filter((l) => l.length > 0);
  if (typeof body !== 'object' || body === null || Array.isArray(body))
    throw badRequest('body: must be a JSON object {lines, labels} or text/plain', 'body');
  const lines = (body as { lines?: unknown }).lines;
  if (!Array.isArray(lines)) throw badRequest('lines: is required (an array of strings)', 'lines');
  lines.forEach((line, i) => {
    if (typeof line !== 'string') throw badRequest(`lines[${i}]: must be a string`, `lines[${i}]`);
    if (line.length > MAX_LINE_LENGTH)
      throw badRequest(`lines[${i}]: longer than ${MAX_LINE_LENGTH} characters`, `lines[${i}]`);
  });
  return lines as string[];
}

function readLabels(source: unknown, where: string): Labels {
  if (source === undefined || source === null) return {};
  if (typeof source !== 'object' || Array.isArray(source)) throw badRequest(`${where}: must be an object`, where);
  const labels: Labels = {};
  for (const [key, value] of Object.entries(source as Record<string, unknown>)) {
    const name = key.replace(/-/g, '_') as (typeof LABEL_KEYS)[number];
    if (!LABEL_KEYS.includes(name)) continue;
    if (typeof value !== 'string' && typeof value !== 'number')
      throw badRequest(`${where}.${key}: must be a string`, `${where}.${key}`);
    labels[name] = String(value);
  }
  return labels;
}

export function registerLogRoutes(
  app: FastifyInstance,
  deps: { sessions: SessionService; pushLogs: PushLogs; guard: preHandlerAsyncHookHandler },
): void {
  app.post<{ Params: { play_id: string }; Querystring: Record<string, string> }>(
    '/api/v1/session/:play_id/logs',
    { preHandler: deps.guard },
    async (request, reply) => {
      const lines = readLines(request.body);
      if (lines.length === 0) throw badRequest('lines: must hold at least one line', 'lines');
      if (lines.length > MAX_PUSHED_LINES)
        throw badRequest(`lines: at most ${MAX_PUSHED_LINES} lines per request, got ${lines.length}`, 'lines');
      const labels =
        typeof request.body === 'string'
          ? readLabels(request.query, 'query')
          : readLabels((request.body as { labels?: unknown }).labels, 'labels');
      const playId = request.params.play_id;
      await deps.sessions.describe(playId); // 404 for an unknown session
      const key = request.headers['idempotency-key'];
      const result = await deps.pushLogs(
        playId,
        lines,
        labels,
        typeof key === 'string' && key ? { idempotencyKey: key } : {},
      );
      return reply.code(202).send({ accepted: true, ...result });
    },
  );
}
