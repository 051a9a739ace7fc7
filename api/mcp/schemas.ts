// Input schemas of the MCP tools. The session payload schema only describes the shape for clients;
// normaliseSessionPayload (the API's own validator) stays the one authority and names failing fields.
import { z } from 'zod';

const playId = z.string().min(1).max(128).describe('The play session id (workflow id is play-<play_id>)');

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
    repository: z.string().describe('"owner/name" of the repository the play works on'),
    service: z.string().optional(),
    namespace: z.string().optional().describe('Kubernetes namespace of the agents (default "cto")'),
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
  limit: z.number().int().min(1).max(1000).optional().describe('At most this many sessions (default 1000)'),
};

export const endSessionInput = {
  play_id: playId,
  status: z.enum(['completed', 'failed', 'cancelled']).optional().describe('Final status (default completed)'),
  reason: z.string().max(2000).optional(),
};

export const sendLogsInput = {
  play_id: playId,
  lines: z.array(z.string()).min(1).max(10_000).describe('Raw log lines; they are scanned like any other log source'),
  labels: z
    .object({ agent: z.string().optional(), task_id: z.string().optional(), pod: z.string().optional() })
    .optional()
    .describe('Where the lines came from, used to attribute detections'),
};

/** Mirrors core/types.ts Detection; every required field is checked so a bad batch never reaches a workflow. */
export const detectionSchema = z.object({
  code: z.string().min(1),
  severity: z.enum(['critical', 'high', 'medium', 'low', 'info']),
  priority: z.enum(['P0', 'P1', 'P2', 'P3']),
  patternId: z.string().min(1),
  fingerprint: z.string().min(1),
  line: z.string(),
  source: z.enum(['loki', 'kubernetes-logs', 'kubernetes-state', 'file', 'http', 'preflight', 'test']),
  observedAt: z.string().datetime({ offset: true }).describe('ISO-8601 time the line was observed'),
  agent: z.string().optional(),
  taskId: z.string().optional(),
  pod: z.string().optional(),
  lineNumber: z.number().int().optional(),
  preflight: z.boolean().optional(),
  missingTools: z.array(z.string()).optional(),
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
  detections: z.array(detectionSchema).min(1).max(1000),
  batch_id: z
    .string()
    .min(1)
    .max(200)
    .optional()
    .describe('Idempotency key: a batch re-sent with the same id is applied once'),
};

export const incidentDecisionInput = {
  incident_id: z.string().min(1).describe('Incident workflow id (incident-<play_id>-<fingerprint>)'),
  by: z.string().optional().describe('Who decided'),
  comment: z.string().max(4000).optional(),
};

export const watchdogInput = {
  namespace: z
    .string()
    .regex(/^[a-z0-9][a-z0-9-]{0,62}$/)
    .optional()
    .describe('Healer namespace of the watchdog (default "cto")'),
};
