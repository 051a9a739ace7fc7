// Text the healing chain writes to GitHub and Discord. Everything passes through `redact`; hidden HTML
// markers make each write findable again, which is what makes the GitHub activities idempotent.
import { redact } from '../detection/redact';
import type { Detection } from '../contract';
import type { Evaluation, FileEdit } from './schemas';

export const incidentMarker = (incidentId: string): string => `<!-- healer-incident: ${incidentId} -->`;
/** Marker of one comment kind per incident (and per round where it repeats), e.g. `ci-failed-2`. */
export const commentMarker = (incidentId: string, kind: string): string =>
  `<!-- healer-comment: ${incidentId} ${kind} -->`;

export const HEALER_LABEL = 'healer';
export const NEEDS_HUMAN_LABEL = 'needs-human';
export const severityLabel = (s: string): string => `severity:${s}`;
export const issueLabels = (code: string, severity: string): string[] => [HEALER_LABEL, code, severityLabel(severity)];

/** Branch names allow a limited alphabet; incident ids are already close to it. */
export const remediationBranch = (incidentId: string): string =>
  `healer/${incidentId
    .replace(/[^A-Za-z0-9._-]/g, '-')
    .replace(/\.\.+/g, '.')
    .slice(0, 200)}`;

const oneLine = (s: string, max: number): string => {
  const flat = s.replace(/\s+/g, ' ').trim();
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
};

export const issueTitle = (code: string, summary: string): string =>
  `[Healer ${code}] ${oneLine(redact(summary), 120)}`;

/** Fenced block that user text cannot break out of. */
const fenced = (text: string): string => {
  const body = redact(text);
  const longest = Math.max(2, ...(body.match(/`+/g) ?? []).map((m) => m.length));
  const fence = '`'.repeat(longest + 1);
  return `${fence}text\n${body}\n${fence}`;
};

export interface IssueBodyInput {
  incidentId: string;
  playId: string;
  repository: string;
  detection: Detection;
  evaluation: Evaluation;
  /** Where the analysis came from, e.g. `model gemini-2.5-pro` or `rules (no-key: …)`. */
  evaluatedBy: string;
  logExcerpt: string[];
  /** Link to the session (Temporal UI or API). */
  sessionLink?: string;
}

export function issueBody(i: IssueBodyInput): string {
  const e = i.evaluation;
  const d = i.detection;
  const files =
    e.affectedFiles.length > 0
      ? e.affectedFiles.map((f) => `- \`${oneLine(f, 300)}\``).join('\n')
      : '_none identified_';
  const session = i.sessionLink ? `[${i.playId}](${i.sessionLink})` : `\`${i.playId}\``;
  return redact(
    [
      `## ${d.code}: ${oneLine(e.summary, 200)}`,
      '',
      `| | |`,
      `|---|---|`,
      `| Incident | \`${i.incidentId}\` |`,
      `| Session | ${session} |`,
      `| Repository | \`${i.repository || 'n/a'}\` |`,
      `| Severity | ${e.severity} (${d.priority}) |`,
      `| Category | ${e.category} |`,
      `| Confidence | ${Math.round(e.confidence * 100)}% |`,
      `| Agent / task | ${d.agent ?? '-'} / ${d.taskId ?? '-'} |`,
      `| First seen | ${d.observedAt} |`,
      `| Evaluated by | ${oneLine(i.evaluatedBy, 200)} |`,
      '',
      '### Root cause',
      e.rootCause,
      '',
      '### Suggested fix',
      e.suggestedFix,
      '',
      '### Affected files',
      files,
      '',
      '### Log excerpt (redacted)',
      fenced(i.logExcerpt.length > 0 ? i.logExcerpt.join('\n') : d.line),
      '',
      incidentMarker(i.incidentId),
    ].join('\n'),
  );
}

export const prTitle = (code: string, summary: string): string =>
  `[Healer ${code}] Fix: ${oneLine(redact(summary), 110)}`;

export function prBody(
  incidentId: string,
  issueNumber: number | undefined,
  explanation: string,
  edits: readonly FileEdit[],
): string {
  const fixes = issueNumber !== undefined ? `Fixes #${issueNumber}` : 'Fixes the linked Healer incident';
  return redact(
    [
      fixes,
      '',
      '### What changed',
      explanation,
      '',
      '### Files',
      ...edits.map((e) => `- \`${e.path}\``),
      '',
      incidentMarker(incidentId),
    ].join('\n'),
  );
}

export const proposalComment = (incidentId: string, e: Evaluation, why: string): string =>
  redact(
    [
      `### Proposed fix (not applied)`,
      why,
      '',
      e.suggestedFix,
      '',
      e.affectedFiles.length > 0 ? `Affected files: ${e.affectedFiles.map((f) => `\`${f}\``).join(', ')}` : '',
      commentMarker(incidentId, 'proposal'),
    ].join('\n'),
  );

export const resolvedComment = (incidentId: string, prRef: string, merged: boolean): string =>
  redact(
    `Healer verified the fix in ${prRef}: CI passed.${merged ? ' The PR was merged.' : ''} Closing this incident.\n${commentMarker(incidentId, 'resolved')}`,
  );

export const escalationComment = (incidentId: string, reason: string): string =>
  redact(
    `Healer could not heal this incident automatically and needs a human.\n\n**Why:** ${reason}\n${commentMarker(incidentId, 'escalated')}`,
  );

export const rejectedComment = (incidentId: string, by: string | undefined, comment: string | undefined): string =>
  redact(
    `Remediation was rejected${by ? ` by ${by}` : ''}.${comment ? `\n\n> ${oneLine(comment, 500)}` : ''}\n${commentMarker(incidentId, 'rejected')}`,
  );

export const ciFailureComment = (incidentId: string, round: number, failure: string): string =>
  redact(
    `CI failed for remediation round ${round}; feeding the failure back.\n\n${fenced(failure)}\n${commentMarker(incidentId, `ci-failed-${round}`)}`,
  );

export const discordMessage = (
  kind: 'detected' | 'escalated',
  code: string,
  title: string,
  why: string,
  url?: string,
): string =>
  redact(
    oneLine(
      `${kind === 'detected' ? '🚨' : '🧑‍🚒'} **${kind === 'detected' ? 'Detected' : 'Escalated'}** ${code}: ${title}${why ? ` — ${why}` : ''}${url ? ` ${url}` : ''}`,
      1900,
    ),
  );
