// Normalises a session start payload (snake_case or camelCase, as MCP's play() and people send it)
// into the one typed SessionInput. Every rejection names the failing field.
import { DEFAULT_K8S_NAMESPACE, type AgentSpec, type SessionInput, type TaskSpec } from '../contract';

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

const PLAY_ID = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;
const REPOSITORY = /^[A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+$/;
const K8S_NAMESPACE = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;

const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Reads `snake` or its camelCase twin; the first present wins. */
function pick(obj: Obj, snake: string): unknown {
  if (obj[snake] !== undefined) return obj[snake];
  const camel = snake.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase());
  return obj[camel];
}

function requireString(value: unknown, field: string, pattern?: RegExp, hint?: string): string {
  if (value === undefined || value === null || value === '') throw new PayloadError(field, 'is required');
  if (typeof value !== 'string') throw new PayloadError(field, `must be a string, got ${typeof value}`);
  if (pattern && !pattern.test(value))
    throw new PayloadError(field, `must be ${hint ?? `match ${pattern}`}, got ${JSON.stringify(value)}`);
  return value;
}

function optionalString(value: unknown, field: string): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') throw new PayloadError(field, `must be a string, got ${typeof value}`);
  return value;
}

function stringList(value: unknown, field: string): string[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) throw new PayloadError(field, 'must be an array of strings');
  return value.map((item, i) => {
    if (typeof item !== 'string' || item === '') throw new PayloadError(`${field}[${i}]`, 'must be a non-empty string');
    return item;
  });
}

function normaliseAgent(name: string, raw: unknown, field: string): AgentSpec {
  if (!isObj(raw)) throw new PayloadError(field, 'must be an object');
  const tools = pick(raw, 'tools') ?? {};
  if (!isObj(tools)) throw new PayloadError(`${field}.tools`, 'must be an object');
  const expected = new Set(stringList(pick(tools, 'remote'), `${field}.tools.remote`));
  const servers = pick(tools, 'local_servers') ?? {};
  if (!isObj(servers)) throw new PayloadError(`${field}.tools.localServers`, 'must be an object');
  for (const [server, spec] of Object.entries(servers)) {
    const serverField = `${field}.tools.localServers.${server}`;
    if (!isObj(spec)) throw new PayloadError(serverField, 'must be an object');
    const enabled = spec.enabled ?? true;
    if (typeof enabled !== 'boolean') throw new PayloadError(`${serverField}.enabled`, 'must be a boolean');
    if (enabled) for (const tool of stringList(spec.tools, `${serverField}.tools`)) expected.add(tool);
  }
  return {
    name,
    githubApp: optionalString(pick(raw, 'github_app'), `${field}.githubApp`),
    cli: optionalString(raw.cli, `${field}.cli`),
    model: optionalString(raw.model, `${field}.model`),
    expectedTools: [...expected].sort(),
  };
}

function normaliseTask(raw: unknown, index: number): TaskSpec {
  const field = `tasks[${index}]`;
  if (!isObj(raw)) throw new PayloadError(field, 'must be an object');
  const id = raw.id;
  if (typeof id !== 'string' && typeof id !== 'number')
    throw new PayloadError(`${field}.id`, 'is required (string or number)');
  const priority = raw.priority;
  if (priority !== undefined && (typeof priority !== 'number' || !Number.isFinite(priority))) {
    throw new PayloadError(`${field}.priority`, 'must be a number');
  }
  const dependencies = pick(raw, 'dependencies');
  if (dependencies !== undefined && !Array.isArray(dependencies))
    throw new PayloadError(`${field}.dependencies`, 'must be an array');
  return {
    id: String(id),
    title: requireString(raw.title, `${field}.title`),
    agentHint: optionalString(pick(raw, 'agent_hint'), `${field}.agent_hint`),
    dependencies: (dependencies ?? []).map((d, i) => {
      if (typeof d !== 'string' && typeof d !== 'number')
        throw new PayloadError(`${field}.dependencies[${i}]`, 'must be a task id');
      return String(d);
    }),
    ...(priority !== undefined ? { priority } : {}),
  };
}

/** Throws PayloadError naming the first failing field. */
export function normaliseSessionPayload(body: unknown): SessionInput {
  if (!isObj(body)) throw new PayloadError('body', 'must be a JSON object');
  const playId = requireString(
    pick(body, 'play_id'),
    'play_id',
    PLAY_ID,
    'letters, digits, ".", "_" or "-" (at most 128)',
  );
  const repository = requireString(body.repository, 'repository', REPOSITORY, '"owner/name"');
  const namespace = optionalString(body.namespace, 'namespace') ?? DEFAULT_K8S_NAMESPACE;
  if (!K8S_NAMESPACE.test(namespace))
    throw new PayloadError('namespace', `must be a Kubernetes namespace name, got ${JSON.stringify(namespace)}`);

  const config = pick(body, 'cto_config') ?? {};
  if (!isObj(config)) throw new PayloadError('cto_config', 'must be an object');
  const agentsRaw = config.agents ?? {};
  if (!isObj(agentsRaw)) throw new PayloadError('cto_config.agents', 'must be an object keyed by agent name');
  const agents = Object.entries(agentsRaw).map(([name, raw]) => normaliseAgent(name, raw, `cto_config.agents.${name}`));

  const tasksRaw = body.tasks ?? [];
  if (!Array.isArray(tasksRaw)) throw new PayloadError('tasks', 'must be an array');
  const tasks = tasksRaw.map(normaliseTask);
  const seen = new Set<string>();
  for (const [i, task] of tasks.entries()) {
    if (seen.has(task.id)) throw new PayloadError(`tasks[${i}].id`, `duplicates task id ${JSON.stringify(task.id)}`);
    seen.add(task.id);
  }

  const remediation = config.remediation;
  if (remediation !== undefined && !isObj(remediation))
    throw new PayloadError('cto_config.remediation', 'must be an object');

  return {
    playId,
    repository,
    service: optionalString(body.service, 'service'),
    namespace,
    agents,
    tasks,
    ...(remediation ? { remediation } : {}),
  };
}
