// POST /api/v1/session/{play_id}/logs: pushed log lines are scanned like any other source.
// JSON `{lines: [...], labels: {agent, task_id, pod}}`, or text/plain one line per line with the
// labels as query parameters. 202 once every detection is delivered; 400 naming what is wrong; 413 past
// PUSH_LIMITS (10,000 lines of 64 KB, within the 5 MB body limit); 404 for an unknown session.
import type { FastifyInstance } from 'fastify';
import { FIELD_RULES, PUSH_LIMITS, fieldProblem } from '../../core/contract';
import type { SessionService } from './sessions';
import { badRequest, payloadTooLarge } from '../errors';
import { paramsSchema } from '../field-schemas';
import type { PushLogs } from '../mcp/push-logs';

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
  });
  return lines as string[];
}

function checkBounds(lines: string[]): void {
  if (lines.length === 0) throw badRequest('lines: must hold at least one line', 'lines');
  if (lines.length > PUSH_LIMITS.lines)
    throw payloadTooLarge(`lines: at most ${PUSH_LIMITS.lines} lines per request, got ${lines.length}`, 'lines');
  const long = lines.findIndex((line) => line.length > PUSH_LIMITS.lineLength);
  if (long >= 0)
    throw payloadTooLarge(`lines[${long}]: longer than ${PUSH_LIMITS.lineLength} characters`, `lines[${long}]`);
}

function readLabels(source: unknown, where: string): Labels {
  if (source === undefined || source === null) return {};
  if (typeof source !== 'object' || Array.isArray(source)) throw badRequest(`${where}: must be an object`, where);
  const labels: Labels = {};
  for (const [key, value] of Object.entries(source as Record<string, unknown>)) {
    const name = key.replace(/-/g, '_') as (typeof LABEL_KEYS)[number];
    if (!LABEL_KEYS.includes(name)) continue;
    const field = `${where}.${key}`;
    if (typeof value !== 'string' && typeof value !== 'number') throw badRequest(`${field}: must be a string`, field);
    const problem = fieldProblem(FIELD_RULES.name, String(value));
    if (problem) throw badRequest(`${field}: ${problem}`, field);
    labels[name] = String(value);
  }
  return labels;
}

function idempotencyKey(header: string | string[] | undefined): string | undefined {
  if (header === undefined || header === '') return undefined;
  const problem = typeof header === 'string' ? fieldProblem(FIELD_RULES.batchId, header) : 'must be given once';
  if (problem) throw badRequest(`Idempotency-Key: ${problem}`, 'Idempotency-Key');
  return header as string;
}

export function registerLogRoutes(app: FastifyInstance, deps: { sessions: SessionService; pushLogs: PushLogs }): void {
  app.post<{ Params: { play_id: string }; Querystring: Record<string, string> }>(
    '/api/v1/session/:play_id/logs',
    { schema: { params: paramsSchema({ play_id: 'playId' }) } },
    async (request, reply) => {
      const lines = readLines(request.body);
      checkBounds(lines);
      const labels =
        typeof request.body === 'string'
          ? readLabels(request.query, 'query')
          : readLabels((request.body as { labels?: unknown }).labels, 'labels');
      const key = idempotencyKey(request.headers['idempotency-key']);
      const playId = request.params.play_id;
      await deps.sessions.describe(playId); // 404 for an unknown session
      const result = await deps.pushLogs(playId, lines, labels, key ? { idempotencyKey: key } : {});
      return reply.code(202).send({ accepted: true, ...result });
    },
  );
}
