// Markdown shown in the Temporal UI: a static summary at start and the current details as the session runs.
import type { SessionInput } from '../contract';
import { PREFLIGHT_ITEMS, type SessionView } from '../contract';
import { ITEM_LABELS } from './checklist';

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
    lines.push(...preflightDetails(view));
  }
  if (view.incidents.length) {
    lines.push('', '| incident | code | severity | step | issue | PR |', '|---|---|---|---|---|---|');
    for (const i of view.incidents) {
      const ref = (r?: { number?: number; title: string; dryRun: boolean }) =>
        r ? (r.dryRun ? `dry-run: ${r.title}` : `#${r.number}`) : '—';
      lines.push(`| ${i.id} | ${i.code} | ${i.severity} | ${i.step} | ${ref(i.issue)} | ${ref(i.pr)} |`);
    }
  }
  if (view.configWarnings?.length) lines.push('', `**cto_config warnings:** ${view.configWarnings.join('; ')}`);
  if (view.incidentsDeferred)
    lines.push(
      '',
      `${view.incidentsDeferred} failures past the open-incident cap wait for a slot (they open as incidents finish).`,
    );
  return lines.join('\n');
}

/** Each started agent's checklist item by item, with the evidence it was decided on. */
function preflightDetails(view: SessionView): string[] {
  const agents = view.agents.filter((a) => a.preflight);
  if (!agents.length) return [];
  const policy = view.preflightUnknownIs ? ` (unknown items: ${view.preflightUnknownIs})` : '';
  const lines = [
    '',
    `**Pre-flight checklist**${policy}`,
    '',
    '| agent | item | state | evidence |',
    '|---|---|---|---|',
  ];
  for (const agent of agents)
    for (const item of PREFLIGHT_ITEMS) {
      const check = agent.preflight![item];
      const evidence = (check.evidence ?? '—').replace(/\s+/g, ' ').replace(/\|/g, '\\|').slice(0, 160);
      lines.push(`| ${agent.name} | ${ITEM_LABELS[item]} | ${check.state} | ${evidence} |`);
    }
  return lines;
}
