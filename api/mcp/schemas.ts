// Input schemas of the MCP tools. Ids, names and texts keep the same rules as the HTTP API
// (core/contract/limits.ts, through api/field-schemas.ts). The session payload schema describes the shape
// for clients; normaliseSessionPayload (the API's own validator) stays the one authority and names failing fields.
import { z } from 'zod';
import { COUNT_LIMITS, PUSH_LIMITS, SESSION_PAGE } from '../../core/contract';
import { zodEnum, zodField } from '../field-schemas';

const playId = zodField('playId').describe('The play session id (workflow id is play-<play_id>)');
const name = zodField('name');

const agentSchema = z
  .object({
    githubApp: z.string().optional(),
    cli: z.string().optional(),
    model: z.string().optional(),
    tools: z
      .object({
        remote: z.array(z.string()).optional(),
        localServers: z
          .record(z.object({ enabled: z.boolean().optional(), tools: z.array(z.string()).optional() }).passthrough())
          .optional(),
      })
      .passthrough()
      .optional(),
  })
  .passthrough();

/** Same payload as POST /api/v1/session/start; camelCase twins of the snake_case keys pass through. */
export const startSessionInput = z
  .object({
    play_id: playId,
    repository: zodField('repository').describe('"owner/name" of the repository the play works on'),
    service: name.optional(),
    namespace: zodField('k8sNamespace').optional().describe('Kubernetes namespace of the agents (default "cto")'),
    cto_config: z
      .object({
        agents: z.record(agentSchema).optional().describe('Agents keyed by name, with the tools each declares'),
      })
      .passthrough()
      .optional(),
    tasks: z
      .array(
        z
          .object({
            id: z.union([z.string(), z.number()]),
            title: z.string(),
            agent_hint: z.string().optional(),
            dependencies: z.array(z.union([z.string(), z.number()])).optional(),
            priority: z.number().optional(),
          })
          .passthrough(),
      )
      .optional(),
  })
  .passthrough();

export const playIdInput = { play_id: playId };

export const listSessionsInput = {
  active_only: z.boolean().optional().describe('Only sessions that are still running (default false)'),
  limit: z
    .number()
    .int()
    .min(1)
    .max(SESSION_PAGE.max)
    .optional()
    .describe(`At most this many sessions per page (default ${SESSION_PAGE.default})`),
  cursor: zodField('cursor').optional().describe('nextCursor of the previous page'),
};

export const endSessionInput = {
  play_id: playId,
  status: zodEnum(['completed', 'failed', 'cancelled']).optional().describe('Final status (default completed)'),
  reason: zodField('endReason', { allowEmpty: true }).optional(),
};

export const sendLogsInput = {
  play_id: playId,
  lines: z
    .array(z.string().max(PUSH_LIMITS.lineLength))
    .min(1)
    .max(PUSH_LIMITS.lines)
    .describe('Raw log lines; they are scanned like any other log source'),
  labels: z
    .object({ agent: name.optional(), task_id: name.optional(), pod: name.optional() })
    .optional()
    .describe('Where the lines came from, used to attribute detections'),
};

/** Mirrors core/types.ts Detection; every required field is checked so a bad batch never reaches a workflow. */
export const detectionSchema = z.object({
  code: name,
  severity: zodEnum(['critical', 'high', 'medium', 'low', 'info']),
  priority: zodEnum(['P0', 'P1', 'P2', 'P3']),
  patternId: name,
  fingerprint: zodField('fingerprint'),
  line: zodField('detectionLine', { allowEmpty: true }),
  source: zodEnum(['loki', 'kubernetes-logs', 'kubernetes-state', 'file', 'http', 'preflight', 'test']),
  observedAt: z.string().datetime({ offset: true }).describe('ISO-8601 time the line was observed'),
  agent: name.optional(),
  taskId: name.optional(),
  pod: name.optional(),
  lineNumber: z.number().int().optional(),
  preflight: z.boolean().optional(),
  missingTools: z.array(name).max(COUNT_LIMITS.missingTools).optional(),
  repeats: z
    .number()
    .int()
    .min(1)
    .optional()
    .describe('Occurrences of this fingerprint the detection stands for (default 1)'),
  lastObservedAt: z
    .string()
    .datetime({ offset: true })
    .optional()
    .describe('With repeats: when the last occurrence was observed'),
});

export const sendDetectionsInput = {
  play_id: playId,
  detections: z.array(detectionSchema).min(1).max(COUNT_LIMITS.detectionsPerBatch),
  batch_id: zodField('batchId')
    .optional()
    .describe('Idempotency key: a batch re-sent with the same id is applied once'),
};

export const incidentDecisionInput = {
  incident_id: zodField('incidentId').describe('Incident workflow id (incident-<play_id>-<fingerprint>)'),
  by: zodField('actor').optional().describe('Who decided'),
  comment: zodField('comment', { allowEmpty: true }).optional(),
};

export const watchdogInput = {
  namespace: zodField('k8sNamespace').optional().describe('Healer namespace of the watchdog (default "cto")'),
};
