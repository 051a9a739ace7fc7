// Which GitHub webhook deliveries start a CI intake: a completed failed `workflow_run`, a completed failed
// `workflow_job`, or a completed failed `check_run` of GitHub Actions. Everything else is acknowledged
// and ignored, with the reason.
import { isFailedConclusion } from './run';

export type WebhookDecision =
  { kind: 'run'; repo: string; runId: number; runAttempt: number } | { kind: 'ignored'; reason: string };

/** Attempt 0 asks the intake to take the run's latest attempt (check runs do not say which one they belong to). */
export const LATEST_ATTEMPT = 0;

type Payload = Record<string, unknown>;
const object = (value: unknown): Payload | undefined =>
  typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Payload) : undefined;
const positive = (value: unknown): number | undefined =>
  typeof value === 'number' && Number.isInteger(value) && value > 0 ? value : undefined;

export function webhookDecision(event: string, payload: Payload): WebhookDecision {
  const repo = object(payload.repository)?.full_name;
  if (event === 'ping') return { kind: 'ignored', reason: 'ping' };
  if (!['workflow_run', 'workflow_job', 'check_run'].includes(event))
    return { kind: 'ignored', reason: `event ${event} is not a CI event` };
  if (typeof repo !== 'string' || !repo.includes('/'))
    return { kind: 'ignored', reason: 'the payload names no repository' };
  const subject = object(payload[event]);
  if (!subject) return { kind: 'ignored', reason: `the payload has no ${event}` };
  if (payload.action !== 'completed') return { kind: 'ignored', reason: `${event} ${String(payload.action)}` };
  if (!isFailedConclusion(subject.conclusion as string | null))
    return { kind: 'ignored', reason: `${event} concluded ${String(subject.conclusion)}` };

  if (event === 'workflow_run') {
    const runId = positive(subject.id);
    return runId
      ? { kind: 'run', repo, runId, runAttempt: positive(subject.run_attempt) ?? 1 }
      : { kind: 'ignored', reason: 'workflow_run without an id' };
  }
  if (event === 'workflow_job') {
    const runId = positive(subject.run_id);
    return runId
      ? { kind: 'run', repo, runId, runAttempt: positive(subject.run_attempt) ?? 1 }
      : { kind: 'ignored', reason: 'workflow_job without a run_id' };
  }
  // check_run: only GitHub Actions' own (its details URL names the run); other apps' checks are not runs.
  if (object(subject.app)?.slug !== 'github-actions')
    return { kind: 'ignored', reason: 'check_run of another app than GitHub Actions' };
  const match = /\/actions\/runs\/(\d+)/.exec(String(subject.details_url ?? ''));
  return match
    ? { kind: 'run', repo, runId: Number(match[1]), runAttempt: LATEST_ATTEMPT }
    : { kind: 'ignored', reason: 'check_run whose details_url names no Actions run' };
}
