// Markdown for the Temporal UI's current details of an incident (setCurrentDetails).
import type { IncidentView } from '../contract';

const prLink = (ref: { number?: number; url?: string; title: string; dryRun: boolean } | undefined): string =>
  !ref
    ? '—'
    : ref.dryRun
      ? `${ref.title} _(dry run: not sent)_`
      : ref.url
        ? `[#${ref.number} ${ref.title}](${ref.url})`
        : `#${ref.number} ${ref.title}`;

export function incidentDetails(incident: IncidentView): string {
  const lines = [
    `## ${incident.code} · ${incident.status} · ${incident.step}`,
    `**Severity** ${incident.severity} · **occurrences** ${incident.occurrences} · **round** ${incident.round}/${incident.maxIterations} (${incident.mode})`,
    `**Issue** ${prLink(incident.issue)}`,
    `**PR** ${prLink(incident.pr)}`,
  ];
  if (incident.evaluation) lines.push(`**Root cause** ${incident.evaluation.rootCause} _(by ${incident.evaluatedBy})_`);
  if (incident.linkedTo)
    lines.push(`**Shares its root cause with** ${incident.linkedTo.incidentId} · ${prLink(incident.linkedTo.issue)}`);
  if (incident.context) {
    const sources = incident.context.sources.map((s) => `${s.name} ${s.error ? 'unavailable' : s.lines}`).join(', ');
    lines.push(
      `**Log window** ${incident.context.lines} lines kept (${sources || 'no source'}), ${incident.context.correlated} other failures correlated`,
    );
  }
  if (incident.reason) lines.push(`**Why** ${incident.reason}`);
  lines.push(
    '',
    ...incident.events.slice(-8).map((event) => `- ${event.at.slice(11, 19)} ${event.step}: ${event.message}`),
  );
  return lines.join('\n');
}
