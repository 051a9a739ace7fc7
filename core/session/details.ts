// Markdown shown in the Temporal UI: a static summary at start and the current details as the session runs.
import type { SessionInput } from '../contract';
import type { SessionView } from '../contract';

export function sessionSummary(input: SessionInput): string {
  const agents = input.agents.map((a) => a.name).join(', ') || 'no agents';
  return `Play ${input.playId} on ${input.repository || input.namespace} (${agents}; ${input.tasks.length} tasks)`;
}

export function sessionStaticDetails(input: SessionInput): string {
  const lines = [
    `**Play session** \`${input.playId}\``,
    '',
    `- Repository: ${input.repository || '—'}`,
    `- Namespace: ${input.namespace}`,
  ];
  if (input.service) lines.push(`- Service: ${input.service}`);
  lines.push('', '| agent | declared tools |', '|---|---|');
  for (const a of input.agents) lines.push(`| ${a.name} | ${a.expectedTools.join(', ') || '—'} |`);
  return lines.join('\n');
}

export function sessionCurrentDetails(view: SessionView): string {
  const lines = [
    `**Status:** ${view.status}${view.endReason ? ` (${view.endReason})` : ''} · updated ${view.updatedAt}`,
    `**Detections:** ${view.detections.total} total, ${view.detections.unique} distinct` +
      (view.alertCodes.length ? ` · codes ${view.alertCodes.join(', ')}` : '') +
      (view.maxSeverity ? ` · worst ${view.maxSeverity}` : ''),
  ];
  if (view.agents.length) {
    lines.push('', '| agent | prompts | config | MCP tools | tools-server | missing |', '|---|---|---|---|---|---|');
    for (const a of view.agents) {
      const c = a.checklist;
      lines.push(
        `| ${a.name} | ${c.prompts} | ${c.config} | ${c.mcpTools} | ${c.toolsServer} | ${(a.missingTools ?? []).join(', ') || '—'} |`,
      );
    }
  }
  if (view.incidents.length) {
    lines.push('', '| incident | code | severity | step | issue | PR |', '|---|---|---|---|---|---|');
    for (const i of view.incidents) {
      const ref = (r?: { number?: number; title: string; dryRun: boolean }) =>
        r ? (r.dryRun ? `dry-run: ${r.title}` : `#${r.number}`) : '—';
      lines.push(`| ${i.id} | ${i.code} | ${i.severity} | ${i.step} | ${ref(i.issue)} | ${ref(i.pr)} |`);
    }
  }
  if (view.incidentsDeferred)
    lines.push('', `${view.incidentsDeferred} detections past the open-incident cap (counted, not opened).`);
  return lines.join('\n');
}
