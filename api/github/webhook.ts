// POST /api/v1/github/webhook: GitHub's CI events (workflow_run, workflow_job, check_run) start the intake
// of the failed run. The body is verified against X-Hub-Signature-256 with GITHUB_WEBHOOK_SECRET by
// @octokit/webhooks before anything else (401 when it does not match); an accepted delivery answers 202.
// The intake's workflow id is the run attempt's, so a redelivery (same X-GitHub-Delivery) or another event
// about the same run starts nothing new: the answer says `duplicate`.
import { Webhooks } from '@octokit/webhooks';
import { WorkflowExecutionAlreadyStartedError, type Client } from '@temporalio/client';
import type { FastifyInstance, FastifyReply } from 'fastify';
import { ciRunIntakeStart } from '../../core/ci/intake-options';
import { webhookDecision } from '../../core/ci/webhook-events';
import type { ciRunIntake } from '../../workflows/ci/intake';
import { badRequest, HttpError } from '../errors';

export const GITHUB_WEBHOOK_PATH = '/api/v1/github/webhook';

export interface GitHubWebhookDeps {
  client: Client;
  /** GITHUB_WEBHOOK_SECRET; without it every delivery is refused (503): unverified events are not taken in. */
  secret?: string;
  /** Task queue the intakes run on (default `healer`). */
  taskQueue?: string;
  /** HEALER_CI_IGNORE_ACTORS, passed to each intake. */
  ignoredActors?: string[];
}

export interface WebhookAnswer {
  delivery: string;
  event: string;
  action: 'started' | 'duplicate' | 'ignored';
  workflowId?: string;
  reason?: string;
}

const header = (value: string | string[] | undefined): string | undefined =>
  (Array.isArray(value) ? value[0] : value)?.trim() || undefined;

/** GitHub sends JSON, or `payload=<json>` when the hook is configured as application/x-www-form-urlencoded. */
function parsePayload(body: string, contentType: string | undefined): Record<string, unknown> {
  const text = contentType?.startsWith('application/x-www-form-urlencoded')
    ? (new URLSearchParams(body).get('payload') ?? '')
    : body;
  let payload: unknown;
  try {
    payload = JSON.parse(text);
  } catch {
    throw badRequest('the body is not a JSON webhook payload', 'body');
  }
  if (typeof payload !== 'object' || payload === null || Array.isArray(payload))
    throw badRequest('the webhook payload must be a JSON object', 'body');
  return payload as Record<string, unknown>;
}

export function registerGitHubWebhook(app: FastifyInstance, deps: GitHubWebhookDeps): void {
  const webhooks = deps.secret ? new Webhooks({ secret: deps.secret }) : undefined;

  // Its own scope: the signature is over the exact bytes GitHub sent, so the body is kept as text here.
  void app.register(async (scope) => {
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser('*', { parseAs: 'string' }, (_request, body, done) => done(null, body));

    scope.post<{ Body: string }>(GITHUB_WEBHOOK_PATH, async (request, reply: FastifyReply) => {
      if (!webhooks)
        throw new HttpError(
          503,
          'webhook_not_configured',
          'GITHUB_WEBHOOK_SECRET is not set: deliveries cannot be verified, so none are accepted',
        );
      const body = typeof request.body === 'string' ? request.body : '';
      const signature = header(request.headers['x-hub-signature-256']);
      if (!signature) throw new HttpError(401, 'invalid_signature', 'X-Hub-Signature-256 is missing');
      const verified = await webhooks.verify(body, signature).catch(() => false);
      if (!verified)
        throw new HttpError(401, 'invalid_signature', 'X-Hub-Signature-256 does not match the payload and the secret');
      const event = header(request.headers['x-github-event']);
      if (!event) throw badRequest('X-GitHub-Event is missing', 'X-GitHub-Event');
      const delivery = header(request.headers['x-github-delivery']);
      if (!delivery) throw badRequest('X-GitHub-Delivery is missing', 'X-GitHub-Delivery');

      const decision = webhookDecision(event, parsePayload(body, request.headers['content-type']));
      const answer: WebhookAnswer = { delivery, event, action: 'ignored' };
      if (decision.kind === 'ignored') return reply.code(202).send({ ...answer, reason: decision.reason });

      const start = ciRunIntakeStart(
        {
          repo: decision.repo,
          runId: decision.runId,
          runAttempt: decision.runAttempt,
          via: 'webhook',
          deliveryId: delivery,
          ...(deps.ignoredActors ? { ignoredActors: deps.ignoredActors } : {}),
        },
        deps.taskQueue,
      );
      try {
        await deps.client.workflow.start<typeof ciRunIntake>('ciRunIntake', start);
        request.log.info({ delivery, event, workflowId: start.workflowId }, 'CI intake started');
        return reply.code(202).send({ ...answer, action: 'started', workflowId: start.workflowId });
      } catch (error) {
        if (!(error instanceof WorkflowExecutionAlreadyStartedError)) throw error;
        return reply.code(202).send({ ...answer, action: 'duplicate', workflowId: start.workflowId });
      }
    });
  });
}
