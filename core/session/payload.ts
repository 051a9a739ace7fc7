// Normalises a session start payload (snake_case or camelCase, as MCP's play() and people send it)
// into the one typed SessionInput. Every rejection names the failing field; every id, name and text
// is held to its rule in core/contract/limits.ts, so what passes fits in Temporal.
import {
  COUNT_LIMITS,
  DEFAULT_K8S_NAMESPACE,
  FIELD_RULES,
  MAX_SESSION_INPUT_CHARS,
  fieldProblem,
  quoteValue,
  type AgentSpec,
  type FieldRule,
  type SessionInput,
  type TaskSpec,
} from '../contract';
import { readCtoConfig } from './cto-config';

/** Unknown-key warnings kept with a session (the rest are counted out). */
const MAX_CONFIG_WARNINGS = 50;

export class PayloadError extends Error {
  constructor(
    readonly field: string,
    readonly reason: string,
  ) {
    super(`${field}: ${reason}`);
    this.name = 'PayloadError';
  }
}

type Obj = Record<string, unknown>;

const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Reads `snake` or its camelCase twin; the first present wins. */
function pick(obj: Obj, snake: string): unknown {
  if (obj[snake] !== undefined) return obj[snake];
  const camel = snake.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase());
  return obj[camel];
}

/** Throws unless `value` is a string that keeps `rule`. */
export function checkString(value: unknown, field: string, rule: FieldRule): string {
  if (typeof value !== 'string') throw new PayloadError(field, `must be a string, got ${typeof value}`);
  const problem = fieldProblem(rule, value);
  if (problem) throw new PayloadError(field, problem);
  return value;
}

function requireString(value: unknown, field: string, rule: FieldRule): string {
  if (value === undefined || value === null || value === '') throw new PayloadError(field, 'is required');
  return checkString(value, field, rule);
}

function optionalString(value: unknown, field: string, rule: FieldRule): string | undefined {
  if (value === undefined || value === null) return undefined;
  return checkString(value, field, rule);
}

function list(value: unknown, field: string, max: number): unknown[] {
  if (!Array.isArray(value)) throw new PayloadError(field, 'must be an array');
  if (value.length > max) throw new PayloadError(field, `must hold at most ${max} items, got ${value.length}`);
  return value;
}

/** Object keys used as names (agents, local servers): each must keep the name rule. */
function namedEntries(value: Obj, field: string, max: number): Array<[string, unknown]> {
  const entries = Object.entries(value);
  if (entries.length > max) throw new PayloadError(field, `must hold at most ${max} entries, got ${entries.length}`);
  for (const [key] of entries) {
    const problem = fieldProblem(FIELD_RULES.name, key);
    if (problem) throw new PayloadError(field, `key ${quoteValue(key)}: ${problem.replace(/, got .*$/, '')}`);
  }
  return entries;
}

function nameList(value: unknown, field: string): string[] {
  if (value === undefined || value === null) return [];
  return list(value, field, COUNT_LIMITS.toolsPerAgent).map((item, i) =>
    requireString(item, `${field}[${i}]`, FIELD_RULES.name),
  );
}

function normaliseAgent(name: string, raw: unknown, field: string): AgentSpec {
  if (!isObj(raw)) throw new PayloadError(field, 'must be an object');
  const tools = pick(raw, 'tools') ?? {};
  if (!isObj(tools)) throw new PayloadError(`${field}.tools`, 'must be an object');
  const remote = nameList(pick(tools, 'remote'), `${field}.tools.remote`);
  const expected = new Set(remote);
  const localServers: Record<string, string[]> = {};
  const servers = pick(tools, 'local_servers') ?? {};
  if (!isObj(servers)) throw new PayloadError(`${field}.tools.localServers`, 'must be an object');
  for (const [server, spec] of namedEntries(
    servers,
    `${field}.tools.localServers`,
    COUNT_LIMITS.localServersPerAgent,
  )) {
    const serverField = `${field}.tools.localServers.${server}`;
    if (!isObj(spec)) throw new PayloadError(serverField, 'must be an object');
    const enabled = spec.enabled ?? true;
    if (typeof enabled !== 'boolean') throw new PayloadError(`${serverField}.enabled`, 'must be a boolean');
    if (!enabled) continue;
    localServers[server] = [...new Set(nameList(spec.tools, `${serverField}.tools`))].sort();
    for (const tool of localServers[server]) expected.add(tool);
  }
  if (expected.size > COUNT_LIMITS.toolsPerAgent)
    throw new PayloadError(`${field}.tools`, `must declare at most ${COUNT_LIMITS.toolsPerAgent} tools`);
  return {
    name,
    githubApp: optionalString(pick(raw, 'github_app'), `${field}.githubApp`, FIELD_RULES.name),
    cli: optionalString(raw.cli, `${field}.cli`, FIELD_RULES.name),
    model: optionalString(raw.model, `${field}.model`, FIELD_RULES.name),
    expectedTools: [...expected].sort(),
    remoteTools: [...new Set(remote)].sort(),
    localServers,
  };
}

/** Task ids are strings or numbers; both become strings that keep the name rule. */
function taskId(value: unknown, field: string): string {
  if (typeof value === 'number' && Number.isFinite(value)) value = String(value);
  if (typeof value !== 'string' || value === '') throw new PayloadError(field, 'must be a task id (string or number)');
  return checkString(value, field, FIELD_RULES.name);
}

function normaliseTask(raw: unknown, index: number): TaskSpec {
  const field = `tasks[${index}]`;
  if (!isObj(raw)) throw new PayloadError(field, 'must be an object');
  if (raw.id === undefined || raw.id === null) throw new PayloadError(`${field}.id`, 'is required (string or number)');
  const id = taskId(raw.id, `${field}.id`);
  const priority = raw.priority;
  if (priority !== undefined && (typeof priority !== 'number' || !Number.isFinite(priority))) {
    throw new PayloadError(`${field}.priority`, 'must be a number');
  }
  const dependencies = pick(raw, 'dependencies') ?? [];
  return {
    id,
    title: requireString(raw.title, `${field}.title`, FIELD_RULES.taskTitle),
    agentHint: optionalString(pick(raw, 'agent_hint'), `${field}.agent_hint`, FIELD_RULES.name),
    dependencies: list(dependencies, `${field}.dependencies`, COUNT_LIMITS.dependenciesPerTask).map((d, i) =>
      taskId(d, `${field}.dependencies[${i}]`),
    ),
    ...(priority !== undefined ? { priority } : {}),
  };
}

/** The part of a too-large input that takes the most room, to name in the error. */
function largestPart(input: SessionInput): string {
  const parts: Array<[string, unknown]> = [
    ['tasks', input.tasks],
    ['cto_config.agents', input.agents],
    ['cto_config.remediation', input.remediation],
  ];
  const size = (value: unknown) => (value === undefined ? 0 : JSON.stringify(value).length);
  return parts.reduce((a, b) => (size(b[1]) > size(a[1]) ? b : a))[0];
}

/** Throws PayloadError naming the first failing field. */
export function normaliseSessionPayload(body: unknown): SessionInput {
  if (!isObj(body)) throw new PayloadError('body', 'must be a JSON object');
  const playId = requireString(pick(body, 'play_id'), 'play_id', FIELD_RULES.playId);
  const repository = requireString(body.repository, 'repository', FIELD_RULES.repository);
  const service = optionalString(body.service, 'service', FIELD_RULES.name);
  const namespace = optionalString(body.namespace, 'namespace', FIELD_RULES.k8sNamespace) ?? DEFAULT_K8S_NAMESPACE;

  const config = pick(body, 'cto_config') ?? {};
  if (!isObj(config)) throw new PayloadError('cto_config', 'must be an object');
  const agentsRaw = config.agents ?? {};
  if (!isObj(agentsRaw)) throw new PayloadError('cto_config.agents', 'must be an object keyed by agent name');
  const agents = namedEntries(agentsRaw, 'cto_config.agents', COUNT_LIMITS.agents).map(([name, raw]) =>
    normaliseAgent(name, raw, `cto_config.agents.${name}`),
  );

  const tasks = list(body.tasks ?? [], 'tasks', COUNT_LIMITS.tasks).map(normaliseTask);
  const seen = new Set<string>();
  for (const [i, task] of tasks.entries()) {
    if (seen.has(task.id)) throw new PayloadError(`tasks[${i}].id`, `duplicates task id ${quoteValue(task.id)}`);
    seen.add(task.id);
  }

  // `defaults.remediation` as users write cto-config.json, or the older top-level `remediation`.
  const { defaults, warnings, problem } = readCtoConfig(config, 'cto_config');
  if (problem) throw new PayloadError(problem.field, problem.reason);
  const remediation = defaults.remediation;

  const input: SessionInput = {
    playId,
    repository,
    service,
    namespace,
    agents,
    tasks,
    ...(remediation !== undefined ? { remediation } : {}),
    ...(defaults.preflightUnknownIs ? { preflightUnknownIs: defaults.preflightUnknownIs } : {}),
    ...(warnings.length ? { configWarnings: warnings.slice(0, MAX_CONFIG_WARNINGS) } : {}),
  };
  const chars = JSON.stringify(input).length;
  if (chars > MAX_SESSION_INPUT_CHARS) {
    throw new PayloadError(
      largestPart(input),
      `makes the session ${Math.ceil(chars / 1024)} KB; a session start may carry at most ${MAX_SESSION_INPUT_CHARS / 1024} KB`,
    );
  }
  return input;
}
