// Escalation to humans when recovery fails, overruns its SLO or hits the restart limit: a GitHub issue
// and a Discord message, through the healing chain's own activities (activities/github.ts finds the
// issue by its hidden marker before creating one; activities/notify.ts handles Discord's rate limits and
// redaction). The audit log records each escalation once; a second call with the same key is a no-op.
import { HEALER_LABEL, incidentMarker } from '../../core/incident/render';
import type { AuditRecorder } from './audit';
import type { GitHubActivities } from '../incident/github';
import type { NotifyActivities } from '../incident/notify';

export const ESCALATION_LABEL = 'healer-escalation';

export interface EscalateDeps {
  /** The audit log (mirrored into Temporal when the worker has a client). */
  audit: AuditRecorder;
  /** The healing chain's GitHub activities (a null Octokit inside means dry run). */
  github?: Pick<GitHubActivities, 'findOrCreateIssue'>;
  /** Where escalation issues go (HEALER_ISSUES_REPO); without it no issue is opened. */
  issuesRepo?: string;
  notify?: Pick<NotifyActivities, 'notifyDiscord'>;
  actor?: string;
}

export interface EscalationRequest {
  /** Deterministic key of the escalation (e.g. the playbook run id + "/escalation"). */
  key: string;
  title: string;
  body: string;
  /** Component(s) or playbook concerned, for the audit entry. */
  target: string;
  playbookRun?: string;
}

export interface EscalationResult {
  issue?: { number?: number; url?: string; dryRun: boolean };
  issueSkipped?: string;
  discord: { sent: boolean; reason?: string };
}

export function createEscalateActivities(deps: EscalateDeps) {
  return {
    async escalate(request: EscalationRequest): Promise<EscalationResult> {
      const auditKey = `escalation/${request.key}`;
      const done = (await deps.audit.tail()).find((e) => e.key === auditKey);
      if (done) return done.details?.escalation as EscalationResult;

      let issue: EscalationResult['issue'];
      let issueSkipped: string | undefined;
      if (deps.github && deps.issuesRepo) {
        const ref = await deps.github.findOrCreateIssue({
          incidentId: request.key,
          repo: deps.issuesRepo,
          title: request.title,
          body: `${request.body}\n\n${incidentMarker(request.key)}`,
          labels: [HEALER_LABEL, ESCALATION_LABEL],
        });
        issue = {
          ...(ref.number !== undefined ? { number: ref.number } : {}),
          ...(ref.url ? { url: ref.url } : {}),
          dryRun: ref.dryRun,
        };
      } else {
        issueSkipped = 'no HEALER_ISSUES_REPO configured';
      }
      const link = issue?.url ? `\n${issue.url}` : '';
      const discord = deps.notify
        ? await deps.notify.notifyDiscord({ key: auditKey, content: `🚨 **${request.title}**\n${request.body}${link}` })
        : { sent: false, reason: 'Discord not configured' };

      const escalation: EscalationResult = {
        ...(issue ? { issue } : {}),
        ...(issueSkipped ? { issueSkipped } : {}),
        discord,
      };
      await deps.audit.append({
        key: auditKey,
        actor: deps.actor ?? 'watchdog',
        action: 'escalate',
        target: request.target,
        result: 'escalated',
        ...(request.playbookRun ? { playbookRun: request.playbookRun } : {}),
        details: { title: request.title, escalation },
      });
      return escalation;
    },
  };
}

export type EscalateActivities = ReturnType<typeof createEscalateActivities>;
