// The incident's steps around its context: urgent detections reach Discord the moment they are detected
// (and the message gains the issue link once it exists), the log window is gathered once its end has
// passed, and an incident that shares its root cause with an open one links to it instead of proposing a
// second fix. Each is new behaviour, behind its patched() id, asked only where it would start.
import { ActivityFailure, patched, proxyActivities, sleep } from '@temporalio/workflow';
import type { ContextActivities, ContextRef } from '../../activities/incident/context';
import type { GitHubActivities, IssueRef } from '../../activities/incident/github';
import type { ContextWindowSettings, Detection, IncidentView } from '../../core/contract';
import type { CorrelatedIncident } from '../../core/incident/correlation';
import { discordMessage, isUrgent, linkedHereComment, linkedToComment } from '../../core/incident/render';
import type { Evaluation } from '../../core/incident/schemas';
import { notify } from './proxies';

/** Critical, P0 and P1 detections are told on Discord at detection time (before: once the issue existed). */
export const URGENT_NOTICE_PATCH = 'incident-urgent-notice-at-detection';
/** The context is gathered once the window after the detection has passed (before: at once). */
export const CONTEXT_WINDOW_PATCH = 'incident-waits-for-context-window';
/** An evaluation naming an open incident with the same root cause links to it and proposes no fix. */
export const SHARED_CAUSE_PATCH = 'incident-links-shared-root-cause';

/** The leading incident's issue: retried (IssuePending) for a few minutes while that incident opens it. */
const leadIssue = proxyActivities<Pick<ContextActivities, 'incidentIssue'>>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '2 seconds', backoffCoefficient: 1.5, maximumInterval: '20 seconds', maximumAttempts: 12 },
});

const messageOf = (error: unknown): string =>
  error instanceof ActivityFailure && error.cause ? error.cause.message : String((error as Error)?.message ?? error);

/** What was told on Discord at detection time; `messageId` is edited with the issue link later. */
export interface UrgentNotice {
  sent: boolean;
  messageId?: string;
  /** Why nothing was sent (no webhook, Discord refused). */
  reason?: string;
}

const urgency = (d: Detection, playId: string): string =>
  `${d.severity} ${d.priority} in play ${playId}${d.agent ? `, agent ${d.agent}` : ''}`;

/** Urgent detections reach Discord now, before any analysis; undefined when not urgent (or replaying older code). */
export async function noticeAtDetection(
  incidentId: string,
  playId: string,
  detection: Detection,
): Promise<UrgentNotice | undefined> {
  if (!isUrgent(detection) || !patched(URGENT_NOTICE_PATCH)) return undefined;
  try {
    return await notify.notifyDiscord({
      key: `detected:${incidentId}`,
      content: discordMessage(
        'detected',
        detection.code,
        detection.line,
        `${urgency(detection, playId)}; issue to follow`,
      ),
    });
  } catch (error) {
    if (!(error instanceof ActivityFailure)) throw error;
    return { sent: false, reason: `discord notification failed: ${messageOf(error)}` };
  }
}

/** The message sent at detection now names the issue (a new message when it could not be edited). */
export async function noticeWithIssue(
  incidentId: string,
  playId: string,
  detection: Detection,
  notice: UrgentNotice,
  issue: IssueRef,
): Promise<string | undefined> {
  if (!notice.sent) return notice.reason;
  const where = issue.url ?? (issue.dryRun ? '(dry run: issue recorded, not sent)' : undefined);
  try {
    await notify.notifyDiscord({
      key: `detected:${incidentId}`,
      content: discordMessage('detected', detection.code, issue.title, urgency(detection, playId), where),
      ...(notice.messageId ? { edit: notice.messageId } : {}),
    });
    return undefined;
  } catch (error) {
    if (!(error instanceof ActivityFailure)) throw error;
    return `discord notification failed: ${messageOf(error)}`;
  }
}

/** Lines after the detection exist only once written: wait until the window's end. Returns the ms waited. */
export async function waitForWindowEnd(
  detection: Detection,
  window: ContextWindowSettings | undefined,
): Promise<number> {
  if (!window || window.afterSecs <= 0) return 0;
  const endMs = Date.parse(detection.observedAt) + window.afterSecs * 1000;
  const waitMs = Math.min(window.afterSecs * 1000, endMs - new Date().getTime());
  if (waitMs <= 0 || !patched(CONTEXT_WINDOW_PATCH)) return 0;
  await sleep(waitMs);
  return waitMs;
}

/** The open incident the evaluation says shares this root cause, when the gathered context named it. */
export function sharedLead(evaluation: Evaluation, gathered: ContextRef): CorrelatedIncident | undefined {
  const id = evaluation.sharedRootCauseWith;
  return id ? gathered.correlation?.incidents.find((incident) => incident.id === id) : undefined;
}

/**
 * Links this incident to the one it shares its root cause with: a comment on each issue naming both
 * numbers, and this issue closed (not planned) since the fix is tracked there. Returns the lead's issue.
 */
export async function linkToLead(
  github: () => GitHubActivities,
  input: { incidentId: string; issue: IssueRef; lead: CorrelatedIncident; summary: string },
): Promise<IncidentView['issue']> {
  const { incidentId, issue } = input;
  let found: IncidentView['issue'] = input.lead.issue;
  try {
    found = (await leadIssue.incidentIssue({ incidentId: input.lead.id })).issue ?? found;
  } catch (error) {
    if (!(error instanceof ActivityFailure)) throw error; // the lead never opened one: link by its id
  }
  const lead: CorrelatedIncident = { ...input.lead, ...(found ? { issue: found } : {}) };
  if (found) {
    const onLead: IssueRef = {
      repo: issue.repo,
      number: found.number,
      url: found.url,
      title: found.title,
      dryRun: found.dryRun,
    };
    await github().commentOnce({
      incidentId,
      issue: onLead,
      kind: 'linked',
      body: linkedHereComment(incidentId, issue, input.summary),
    });
  }
  await github().commentOnce({ incidentId, issue, kind: 'linked', body: linkedToComment(incidentId, issue, lead) });
  await github().closeIssue({ incidentId, issue, reason: 'not_planned' });
  return found;
}
