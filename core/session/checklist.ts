// The pre-flight checklist of the Healer skill, item by item, each decided from evidence: the agent's own
// log lines (lifecycle codes L1–L4, pre-flight codes A10–A12), its tool inventory, the session's tasks and
// an optional `agentReady` signal. An item nobody gave evidence for is `unknown` when the window closes,
// never passed; the session's policy (pass | warn | fail) decides whether that raises.
import {
  PREFLIGHT_ITEMS,
  type AgentReadySignal,
  type AgentSpec,
  type AgentView,
  type CheckState,
  type Detection,
  type PreflightChecklist,
  type PreflightItem,
  type SessionInput,
  type UnknownPolicy,
} from '../contract';

export const DEFAULT_UNKNOWN_POLICY: UnknownPolicy = 'warn';

export const ITEM_LABELS: Record<PreflightItem, string> = {
  agentType: 'agent type identified',
  roleMatchesTask: 'role matches task',
  templateLoaded: 'template loaded',
  languageContext: 'language context set',
  ctoConfigLoaded: 'CTO config loaded',
  remoteTools: 'remote tools accessible',
  localServers: 'local servers initialized',
  toolsServer: 'tools-server reachable',
};

/** The catalog code a failed item is raised as. */
export const ITEM_CODES: Record<PreflightItem, string> = {
  agentType: 'L3',
  roleMatchesTask: 'L3',
  templateLoaded: 'L1',
  languageContext: 'L4',
  ctoConfigLoaded: 'A11',
  remoteTools: 'A10',
  localServers: 'A12',
  toolsServer: 'A12',
};

/** Items whose failure for every agent blocks the whole session (raised once as P0). */
export const SESSION_BLOCKING_ITEMS: readonly PreflightItem[] = ['toolsServer', 'ctoConfigLoaded'];

export const PROMPT_ITEMS: readonly PreflightItem[] = [
  'agentType',
  'roleMatchesTask',
  'templateLoaded',
  'languageContext',
];

const MAX_EVIDENCE = 300;

/** Evidence counts until the agent's window has closed (lines may arrive before its start signal). */
export const acceptsEvidence = (agent: { startedAt?: string; preflightDeadline?: string }): boolean =>
  agent.startedAt === undefined || agent.preflightDeadline !== undefined;

export function emptyPreflight(): PreflightChecklist {
  const checklist = {} as PreflightChecklist;
  for (const item of PREFLIGHT_ITEMS) checklist[item] = { state: 'pending' };
  return checklist;
}

/** A copy for views (plain data: workflows have no structuredClone). */
export function copyPreflight(checklist: PreflightChecklist): PreflightChecklist {
  const copy = {} as PreflightChecklist;
  for (const item of PREFLIGHT_ITEMS) copy[item] = { ...checklist[item] };
  return copy;
}

/** Records a verdict. A failure stands (a later pass does not hide it); a pass replaces pending or unknown. */
export function decide(
  checklist: PreflightChecklist,
  item: PreflightItem,
  state: 'pass' | 'fail',
  evidence: string,
  at: string,
): boolean {
  const current = checklist[item];
  if (current.state === 'fail' || (current.state === 'pass' && state === 'pass')) return false;
  checklist[item] = { state, evidence: evidence.slice(0, MAX_EVIDENCE), at };
  return true;
}

/** Which items a detection from the agent's own log fails. */
export function itemsFailedBy(detection: Pick<Detection, 'code' | 'line'>): PreflightItem[] {
  const toolsServer = /tools?[-_ ]?server|toolman/i.test(detection.line);
  switch (detection.code) {
    case 'L1':
    case 'L2':
      return ['templateLoaded'];
    case 'L3':
      return ['agentType', 'roleMatchesTask'];
    case 'L4':
      return ['languageContext'];
    case 'A10':
      return ['remoteTools'];
    case 'A11':
      return ['ctoConfigLoaded'];
    case 'A12':
      return [toolsServer ? 'toolsServer' : 'localServers'];
    case 'R2':
      return toolsServer ? ['toolsServer'] : [];
    default:
      return [];
  }
}

/** The declared remote tools and local servers (sessions started before they were kept: all remote). */
function declared(spec: AgentSpec | undefined): { remote: string[]; local: Record<string, string[]> } {
  if (!spec) return { remote: [], local: {} };
  return { remote: spec.remoteTools ?? spec.expectedTools, local: spec.localServers ?? {} };
}

/** Evidence at the agent's start: is it a declared agent, and does a task name it? */
export function applyStart(checklist: PreflightChecklist, input: SessionInput, agent: string, at: string): void {
  const spec = input.agents.find((a) => a.name === agent);
  if (spec) {
    const kind = [spec.cli && `cli ${spec.cli}`, spec.githubApp && `app ${spec.githubApp}`].filter(Boolean).join(', ');
    decide(
      checklist,
      'agentType',
      'pass',
      `agentStarted ${agent}: declared in cto_config${kind ? ` (${kind})` : ''}`,
      at,
    );
  }
  const task = input.tasks.find((t) => t.agentHint === agent);
  if (task)
    decide(checklist, 'roleMatchesTask', 'pass', `task ${task.id} "${task.title}" names ${agent} (agent_hint)`, at);
}

/** Evidence of a reported tool inventory against what cto_config declares. */
export function applyInventory(
  checklist: PreflightChecklist,
  spec: AgentSpec | undefined,
  reported: readonly string[],
  at: string,
): void {
  const have = new Set(reported);
  const { remote, local } = declared(spec);
  const missingRemote = remote.filter((tool) => !have.has(tool));
  if (remote.length === 0) decide(checklist, 'remoteTools', 'pass', 'toolInventory: no remote tools declared', at);
  else if (missingRemote.length)
    decide(checklist, 'remoteTools', 'fail', `toolInventory: missing remote tools ${missingRemote.join(', ')}`, at);
  else decide(checklist, 'remoteTools', 'pass', `toolInventory: all ${remote.length} remote tools reported`, at);

  const servers = Object.entries(local);
  const broken = servers
    .map(([server, tools]) => [server, tools.filter((tool) => !have.has(tool))] as const)
    .filter(([, missing]) => missing.length > 0);
  if (servers.length === 0) decide(checklist, 'localServers', 'pass', 'toolInventory: no local servers enabled', at);
  else if (broken.length)
    decide(
      checklist,
      'localServers',
      'fail',
      `toolInventory: ${broken.map(([server, missing]) => `${server} missing ${missing.join(', ')}`).join('; ')}`,
      at,
    );
  else
    decide(checklist, 'localServers', 'pass', `toolInventory: ${servers.map(([s]) => s).join(', ')} initialized`, at);

  // Remote tools come through the tools-server: some reported means it answered; none of many, that it did not.
  const served = remote.length - missingRemote.length;
  if (served > 0) decide(checklist, 'toolsServer', 'pass', `toolInventory: ${served} remote tools served`, at);
  else if (remote.length > 1)
    decide(checklist, 'toolsServer', 'fail', `toolInventory: none of ${remote.length} remote tools served`, at);

  if (missingRemote.length === 0 && broken.length === 0)
    decide(checklist, 'ctoConfigLoaded', 'pass', 'toolInventory matches the tools cto_config declares', at);
}

/** The window closed without a tool inventory: silence about its tools fails them (it raises A10). */
export function applySilence(checklist: PreflightChecklist, at: string): void {
  const evidence = 'no toolInventory within the pre-flight window';
  decide(checklist, 'remoteTools', 'fail', evidence, at);
  decide(checklist, 'localServers', 'fail', evidence, at);
}

/** Evidence the agent reports itself (agentReady). Returns the items it failed, to raise. */
export function applyAgentReady(
  checklist: PreflightChecklist,
  input: SessionInput,
  signal: AgentReadySignal,
  at: string,
): PreflightItem[] {
  const failed: PreflightItem[] = [];
  for (const item of PREFLIGHT_ITEMS) {
    const check = signal.checks?.[item];
    if (check === undefined) continue;
    const ok = typeof check === 'boolean' ? check : check.ok;
    const detail = typeof check === 'object' && check.detail ? `: ${check.detail}` : '';
    const evidence = `agentReady ${signal.agent}: ${ITEM_LABELS[item]} ${ok ? 'ok' : 'failed'}${detail}`;
    if (decide(checklist, item, ok ? 'pass' : 'fail', evidence, at) && !ok) failed.push(item);
  }
  if (signal.taskId !== undefined) {
    const task = input.tasks.find((t) => t.id === signal.taskId);
    if (task?.agentHint === signal.agent)
      decide(checklist, 'roleMatchesTask', 'pass', `agentReady: task ${task.id} names ${signal.agent}`, at);
    else if (
      task?.agentHint &&
      decide(
        checklist,
        'roleMatchesTask',
        'fail',
        `agentReady: ${signal.agent} took task ${task.id}, whose agent_hint is ${task.agentHint}`,
        at,
      )
    )
      failed.push('roleMatchesTask');
  }
  return failed;
}

/** Evidence from the agent's own log lines. */
export function applyDetection(checklist: PreflightChecklist, detection: Detection): void {
  for (const item of itemsFailedBy(detection))
    decide(checklist, item, 'fail', `${detection.code}: ${detection.line}`, detection.observedAt);
}

/** The window closed: items without evidence become unknown. Returns those the policy raises. */
export function closeItems(checklist: PreflightChecklist, policy: UnknownPolicy, at: string): PreflightItem[] {
  const unknown: PreflightItem[] = [];
  for (const item of PREFLIGHT_ITEMS) {
    if (checklist[item].state !== 'pending') continue;
    checklist[item] = { state: 'unknown', evidence: 'no evidence within the pre-flight window', at };
    unknown.push(item);
  }
  return policy === 'fail' ? unknown : [];
}

const WORST: readonly CheckState[] = ['fail', 'unknown', 'pending', 'pass'];
const worst = (states: CheckState[]): CheckState => WORST.find((s) => states.includes(s)) ?? 'pending';

/** The four-column summary the views always had, from the items. */
export function summarise(checklist: PreflightChecklist): AgentView['checklist'] {
  return {
    prompts: worst(PROMPT_ITEMS.map((item) => checklist[item].state)),
    config: checklist.ctoConfigLoaded.state,
    mcpTools: worst([checklist.remoteTools.state, checklist.localServers.state]),
    toolsServer: checklist.toolsServer.state,
  };
}

/** A pre-flight item failed (or unknown under policy fail): the detection the session raises (P1). */
export function itemDetection(agent: string, item: PreflightItem, evidence: string, observedAt: string): Detection {
  const code = ITEM_CODES[item];
  return {
    code,
    severity: 'high',
    priority: 'P1',
    patternId: `preflight.${item}`,
    fingerprint: `preflight-${agent.toLowerCase().replace(/[^a-z0-9-]/g, '-')}-${item.toLowerCase()}`,
    line: `pre-flight: agent ${agent}: ${ITEM_LABELS[item]} failed — ${evidence}`.slice(0, 500),
    source: 'preflight',
    observedAt,
    agent,
    preflight: true,
  };
}

/**
 * Session-blocking items failed for every agent that started (two or more): the one P0 detection for
 * each, or none. `raised` holds the items already raised so each is raised once.
 */
export function blockingDetections(
  checklists: Record<string, PreflightChecklist | undefined>,
  raised: readonly string[],
  observedAt: string,
): Array<{ item: PreflightItem; detection: Detection }> {
  const started = Object.entries(checklists).filter((entry): entry is [string, PreflightChecklist] => !!entry[1]);
  if (started.length < 2) return [];
  const agents = started.map(([name]) => name).join(', ');
  return SESSION_BLOCKING_ITEMS.filter(
    (item) => !raised.includes(item) && started.every(([, checklist]) => checklist[item].state === 'fail'),
  ).map((item) => ({
    item,
    detection: {
      code: ITEM_CODES[item],
      severity: 'critical',
      priority: 'P0',
      patternId: `preflight.${item}.all-agents`,
      fingerprint: `preflight-all-agents-${item.toLowerCase()}`,
      line: `pre-flight: ${ITEM_LABELS[item]} failed for every agent (${agents}): ${started[0][1][item].evidence ?? ''}`.slice(
        0,
        500,
      ),
      source: 'preflight',
      observedAt,
      preflight: true,
    },
  }));
}
