// Discord notifications (DISCORD_WEBHOOK_URL) for urgent detections (at detection time; the message is
// edited to carry the issue link once the issue exists) and every escalation.
// Rate limits are Discord's: a 429's `retry_after` (body, or the Retry-After header) becomes the Temporal
// retry's `nextRetryDelay`; while a bucket is known to be empty (x-ratelimit-remaining: 0) we do not even
// send, we ask Temporal to come back after x-ratelimit-reset-after. Nothing sleeps inside the activity.
import { ApplicationFailure } from '@temporalio/common';
import { redact } from '../../core/detection/redact';

export interface NotifyDeps {
  /** Unset: notifications are skipped (and reported as such). */
  webhookUrl?: string;
  fetch?: typeof fetch;
  timeoutMs?: number;
  now?: () => number;
}

export interface NotifyInput {
  /** Why (e.g. `escalated` + incident id); kept for the log line. */
  key: string;
  content: string;
  /** Edit this message (an id an earlier call returned) instead of posting; a message gone is posted anew. */
  edit?: string;
}

export interface NotifyResult {
  sent: boolean;
  reason?: string;
  /** The message's id, to edit it later. */
  messageId?: string;
}

const MAX_CONTENT = 2000;

export function createNotifyActivities(deps: NotifyDeps) {
  const doFetch = deps.fetch ?? fetch;
  const now = deps.now ?? Date.now;
  // Per-process view of Discord's bucket: when the next send may go out.
  let blockedUntil = 0;

  async function notifyDiscord(input: NotifyInput): Promise<NotifyResult> {
    if (!deps.webhookUrl) return { sent: false, reason: 'DISCORD_WEBHOOK_URL not set' };
    const wait = blockedUntil - now();
    if (wait > 0) {
      throw ApplicationFailure.create({
        type: 'DiscordRateLimited',
        message: `webhook bucket empty, retry in ${wait} ms`,
        nextRetryDelay: wait,
      });
    }
    const content = redact(input.content).slice(0, MAX_CONTENT);
    const base = deps.webhookUrl.replace(/\?.*$/, '');
    // ?wait=true: Discord answers with the message, whose id an edit needs.
    const target = input.edit ? `${base}/messages/${encodeURIComponent(input.edit)}` : `${base}?wait=true`;
    let res: Response;
    try {
      res = await doFetch(target, {
        method: input.edit ? 'PATCH' : 'POST',
        headers: { 'content-type': 'application/json' },
        // No mentions: an incident text must not be able to ping @everyone.
        body: JSON.stringify({ content, username: 'Healer', allowed_mentions: { parse: [] } }),
        signal: AbortSignal.timeout(deps.timeoutMs ?? 10_000),
      });
    } catch (e) {
      throw ApplicationFailure.retryable(`discord: ${(e as Error).message}`, 'DiscordUnavailable');
    }
    const resetAfter = Number(res.headers.get('x-ratelimit-reset-after'));
    if (res.headers.get('x-ratelimit-remaining') === '0' && resetAfter > 0) blockedUntil = now() + resetAfter * 1000;
    if (res.status === 429) {
      const body = (await res.json().catch(() => ({}))) as { retry_after?: number };
      const secs =
        typeof body.retry_after === 'number' ? body.retry_after : Number(res.headers.get('retry-after') ?? 1);
      const delay = Math.max(50, Math.ceil(secs * 1000));
      blockedUntil = Math.max(blockedUntil, now() + delay);
      throw ApplicationFailure.create({
        type: 'DiscordRateLimited',
        message: `discord 429, retry after ${secs} s`,
        nextRetryDelay: delay,
      });
    }
    if (res.status >= 500) throw ApplicationFailure.retryable(`discord ${res.status}`, 'DiscordUnavailable');
    // The message to edit is gone (deleted by someone): say it again as a new one.
    if (res.status === 404 && input.edit) return notifyDiscord({ ...input, edit: undefined });
    if (!res.ok) {
      // A bad webhook or payload will not fix itself by retrying.
      throw ApplicationFailure.nonRetryable(
        `discord ${res.status}: ${redact(await res.text()).slice(0, 200)}`,
        'DiscordRejected',
      );
    }
    const message = (await res.json().catch(() => ({}))) as { id?: unknown };
    return { sent: true, ...(typeof message.id === 'string' ? { messageId: message.id } : {}) };
  }

  return { notifyDiscord };
}

export type NotifyActivities = ReturnType<typeof createNotifyActivities>;
