// Text the healing chain writes to GitHub and Discord. Everything passes through `redact`; hidden HTML
// markers make each write findable again, which is what makes the GitHub activities idempotent.
import { redact } from '../detection/redact';
import type { Detection } from '../contract';
import type { Evaluation, FileEdit } from './schemas';
import type { GatheredExtras, GitHubContext } from './gathered';
import type { Correlation, CorrelatedIncident } from './correlation';
import { ITEM_LABELS } from '../session/checklist';
import { PREFLIGHT_ITEMS, type ContextSummary, type PreflightChecklist } from '../contract';

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
  /** The window's sources and bounds, correlated failures, GitHub state, the agent's checklist. */
  extras?: GatheredExtras;
  /** The open incident this one shares its root cause with. */
  sharedWith?: CorrelatedIncident;
}

const issueRef = (incident: CorrelatedIncident): string =>
  incident.issue?.number !== undefined ? `#${incident.issue.number}` : `\`${incident.id}\``;
/** `#12 (\`incident-…\`)`, or the id alone while the lead has no numbered issue (a dry run). */
const leadRef = (incident: CorrelatedIncident): string =>
  incident.issue?.number !== undefined ? `#${incident.issue.number} (\`${incident.id}\`)` : `\`${incident.id}\``;
/** Table cells hold one line without pipes. */
const cell = (text: string, max = 160): string => oneLine(text, max).replace(/\|/g, '\\|');

function windowHeader(summary: ContextSummary | undefined, window: { from: string; to: string } | undefined): string {
  if (!summary) return '';
  const sources = summary.sources
    .map((s) => `${s.name} ${s.error ? `unavailable (${oneLine(s.error, 120)})` : `${s.lines} lines`}`)
    .join(', ');
  const span = window ? `${window.from} → ${window.to}, ` : '';
  const dropped = summary.dropped ? `; ${summary.dropped} more lines left out by the caps` : '';
  return `${span}every agent of the session. Sources: ${sources || 'none configured'}. Kept ${summary.lines} lines (${summary.bytes} bytes): those nearest the detection and every line matching the catalog${dropped}.`;
}

function correlationSection(correlation: Correlation | undefined): string[] {
  if (!correlation?.detections.length) return [];
  return [
    '### Other failures of the session in the window',
    '| first seen | agent | code | × | line | incident |',
    '|---|---|---|---|---|---|',
    ...correlation.detections.map((c) => {
      const incident = correlation.incidents.find((i) => i.id === c.incidentId);
      const ref = incident ? issueRef(incident) : c.incidentId ? `\`${c.incidentId}\`` : '—';
      return `| ${c.firstSeen} | ${c.agent ?? '—'} | ${c.code} | ${c.count} | ${cell(c.line)} | ${ref} |`;
    }),
    '',
  ];
}

/** The checklist as a table: each item, its state and the evidence it was decided on. */
export function checklistTable(items: PreflightChecklist): string[] {
  return [
    '| item | state | evidence |',
    '|---|---|---|',
    ...PREFLIGHT_ITEMS.map(
      (item) => `| ${ITEM_LABELS[item]} | ${items[item].state} | ${cell(items[item].evidence ?? '—', 200)} |`,
    ),
  ];
}

function githubSection(github: GitHubContext | undefined): string[] {
  if (!github) return [];
  const pr = github.pullRequest;
  return [
    '### GitHub',
    pr
      ? `- Task PR [#${pr.number} ${cell(pr.title, 120)}](${pr.url ?? ''}) on \`${pr.branch}\`: CI **${pr.ci.verdict}**${pr.ci.failures.length ? ` — ${pr.ci.failures.map((f) => cell(f, 120)).join('; ')}` : ''}`
      : '- No open PR of this task.',
    ...github.commits.map(
      (c) =>
        `- \`${c.sha.slice(0, 7)}\` ${cell(c.message, 100)} (touches \`${c.path}\`${c.author ? `, ${c.author}` : ''}${c.date ? `, ${c.date}` : ''})`,
    ),
    ...github.notes.map((n) => `- _${cell(n, 200)}_`),
    '',
  ];
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
      ...(i.sharedWith
        ? [
            '### Shares its root cause with',
            `${leadRef(i.sharedWith)}, ${i.sharedWith.code} by ${i.sharedWith.agent ?? '—'} at ${i.sharedWith.at ?? '?'}: the fix is tracked there, not proposed twice.`,
            '',
          ]
        : []),
      i.extras?.summary ? '### Log window (redacted)' : '### Log excerpt (redacted)',
      ...(i.extras?.summary ? [windowHeader(i.extras.summary, i.extras.window), ''] : []),
      fenced(i.logExcerpt.length > 0 ? i.logExcerpt.join('\n') : d.line),
      '',
      ...correlationSection(i.extras?.correlation),
      ...(i.extras?.checklist
        ? [`### Pre-flight checklist of ${i.extras.checklist.agent}`, ...checklistTable(i.extras.checklist.items), '']
        : []),
      ...githubSection(i.extras?.github),
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

/** Lines of the log excerpt that read like instructions to a model, quoted so they cannot render as markdown. */
const quotedLines = (lines: readonly string[]): string =>
  lines.length > 0 ? `\n\nLines that read like instructions:\n\n${fenced(lines.join('\n'))}` : '';

/** Posted once when the log excerpt holds instruction-like text, before any change is proposed. */
export const promptInjectionComment = (incidentId: string, lines: readonly string[]): string =>
  redact(
    `⚠️ Possible prompt injection in the log excerpt: Healer keeps any change to the files the analysis names and never writes CI, ownership, credential or secret files. Review a proposed change with care.${quotedLines(lines)}\n${commentMarker(incidentId, 'prompt-injection')}`,
  );

/** Posted once per round whose proposed change touched files outside the path policy (nothing was written). */
export const refusedChangeComment = (
  incidentId: string,
  round: number,
  refused: ReadonlyArray<{ path: string; reason: string }>,
  instructionLines: readonly string[],
): string => {
  const files = refused.map((r) => `\`${oneLine(r.path, 200)}\` (${oneLine(r.reason, 120)})`).join(', ');
  const cause = instructionLines.length > 0 ? 'Possible prompt injection in the log excerpt; the' : 'The';
  return redact(
    `⚠️ ${cause} change to ${files} was refused in remediation round ${round}: nothing was committed.${quotedLines(instructionLines)}\n${commentMarker(incidentId, `refused-${round}`)}`,
  );
};

/** On the leading incident's issue: another incident shares this root cause. */
export const linkedHereComment = (
  incidentId: string,
  issue: { number?: number } | undefined,
  summary: string,
): string =>
  redact(
    `Incident \`${incidentId}\`${issue?.number !== undefined ? ` (#${issue.number})` : ''} shares this root cause: ${oneLine(summary, 200)}. Its fix is tracked here.\n${commentMarker(incidentId, 'linked')}`,
  );

/** On the linked incident's own issue: where the fix is tracked. */
export const linkedToComment = (
  incidentId: string,
  own: { number?: number } | undefined,
  lead: CorrelatedIncident,
): string =>
  redact(
    `${own?.number !== undefined ? `#${own.number}` : 'This incident'} shares its root cause with ${leadRef(lead)}; the fix is tracked there, so Healer proposes none here.\n${commentMarker(incidentId, 'linked')}`,
  );

/** Detections that reach Discord the moment they are detected: critical severity, P0 and P1. */
export const isUrgent = (detection: Pick<Detection, 'severity' | 'priority'>): boolean =>
  detection.severity === 'critical' || detection.priority === 'P0' || detection.priority === 'P1';

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
