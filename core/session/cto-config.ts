// cto-config.json as users write it: the Healer skill documents
// `{"defaults": {"play": {"healerEndpoint": …}, "remediation": {"maxIterations": 3, "syncTimeoutSecs": 300}}}`;
// Healer also keeps reading a top-level `remediation` block (the older spelling). The same reading serves
// the file at start-up and the `cto_config` a session starts with: an invalid value is a problem naming its
// path (the caller refuses it), an unknown key a warning naming its path (accepted, not used).
import type { UnknownPolicy } from '../contract';
import { INCIDENT_SETTING_KEYS, parseIncidentSettings, settingSpellings } from '../incident/settings';
import { parseCiRemediation } from '../ci/remediation';
import { checkRemediation, type ShapeProblem } from './remediation-shape';

export interface CtoConfigDefaults {
  /** `defaults.remediation` over the top-level `remediation` alias. */
  remediation?: Record<string, unknown>;
  /** `defaults.preflight.unknownIs`. */
  preflightUnknownIs?: UnknownPolicy;
  /** `defaults.play.healerEndpoint`: where the play's agents reach Healer. */
  healerEndpoint?: string;
}

export interface CtoConfigReading {
  defaults: CtoConfigDefaults;
  /** Unknown keys, each `<path>: unknown key (ignored)`. */
  warnings: string[];
  /** The first invalid value, or undefined. */
  problem?: ShapeProblem;
}

type Obj = Record<string, unknown>;
const isObject = (value: unknown): value is Obj => typeof value === 'object' && value !== null && !Array.isArray(value);

/** Keys of a cto-config.json by section (both spellings where users write either). Other tools' sections are theirs. */
const TOP_KEYS = ['version', 'orgName', 'org_name', 'defaults', 'agents', 'remediation'];
const DEFAULTS_SECTIONS = ['intake', 'linear', 'play', 'remediation', 'monitor', 'stitch', 'docs', 'code', 'preflight'];
/** The CTO platform's own remediation settings (its remediation agent), accepted beside Healer's. */
const CTO_REMEDIATION_KEYS = [
  'repository',
  'docsRepository',
  'docsProjectDirectory',
  'agent',
  'cli',
  'model',
  'template',
];
const CI_REMEDIATION_KEYS = ['ciReport', 'ci_report', 'ciCommitToPrBranch', 'ci_commit_to_pr_branch'];
const REMEDIATION_KEYS = new Set([
  ...INCIDENT_SETTING_KEYS.flatMap(settingSpellings),
  ...CI_REMEDIATION_KEYS,
  ...CTO_REMEDIATION_KEYS.flatMap(settingSpellings),
]);
const PREFLIGHT_KEYS = ['unknownIs', 'unknown_is'];
const AGENT_KEYS = [
  'githubApp',
  'github_app',
  'cli',
  'model',
  'modelRotation',
  'model_rotation',
  'tools',
  'skills',
  'maxRetries',
  'max_retries',
];
const TOOLS_KEYS = ['remote', 'localServers', 'local_servers'];
const SERVER_KEYS = ['enabled', 'tools'];
const UNKNOWN_POLICIES: readonly UnknownPolicy[] = ['pass', 'warn', 'fail'];

/** `root.key`, or `key` at the top of a file. */
const at = (root: string, key: string): string => (root ? `${root}.${key}` : key);

function unknownKeys(value: Obj, known: readonly string[], path: string, warnings: string[]): void {
  for (const key of Object.keys(value))
    if (!known.includes(key)) warnings.push(`${at(path, key)}: unknown key (ignored)`);
}

/** Healer's rules for remediation values, as problems naming the path (`remediation.maxIterations: expected …`). */
function remediationProblem(block: Obj, path: string): ShapeProblem | undefined {
  const shape = checkRemediation(block, path);
  if (shape) return shape;
  const [warning] = [...parseIncidentSettings(block).warnings, ...parseCiRemediation(block).warnings];
  if (!warning) return undefined;
  const [field, expected] = warning.split(/: expected /);
  return {
    field: `${path}${field.slice('remediation'.length)}`,
    reason: `expected ${expected.replace(/, (using .*|ignored)$/, '')}`,
  };
}

/** One remediation block: an object of known, valid settings (or the problem with it). */
function readRemediation(value: unknown, path: string, warnings: string[]): Obj | ShapeProblem | undefined {
  if (value === undefined) return undefined;
  if (!isObject(value)) return { field: path, reason: 'must be an object' };
  const problem = remediationProblem(value, path);
  if (problem) return problem;
  unknownKeys(value, [...REMEDIATION_KEYS], path, warnings);
  return value;
}

const isProblem = (value: unknown): value is ShapeProblem => isObject(value) && typeof value.reason === 'string';

function readAgents(agents: unknown, path: string, warnings: string[]): void {
  if (!isObject(agents)) return; // its shape is the session payload's business
  for (const [name, agent] of Object.entries(agents)) {
    if (!isObject(agent)) continue;
    unknownKeys(agent, AGENT_KEYS, `${path}.${name}`, warnings);
    const tools = agent.tools;
    if (!isObject(tools)) continue;
    unknownKeys(tools, TOOLS_KEYS, `${path}.${name}.tools`, warnings);
    const servers = tools.localServers ?? tools.local_servers;
    if (!isObject(servers)) continue;
    for (const [server, spec] of Object.entries(servers))
      if (isObject(spec)) unknownKeys(spec, SERVER_KEYS, `${path}.${name}.tools.localServers.${server}`, warnings);
  }
}

/** Reads what Healer uses from a cto-config (`root` prefixes paths in messages: `cto_config`, or '' for a file). */
export function readCtoConfig(config: Obj, root: string): CtoConfigReading {
  const warnings: string[] = [];
  const fail = (field: string, reason: string): CtoConfigReading => ({
    defaults: {},
    warnings,
    problem: { field, reason },
  });
  unknownKeys(config, TOP_KEYS, root, warnings);
  const defaultsRaw = config.defaults ?? {};
  if (!isObject(defaultsRaw)) return fail(at(root, 'defaults'), 'must be an object');
  unknownKeys(defaultsRaw, DEFAULTS_SECTIONS, at(root, 'defaults'), warnings);
  readAgents(config.agents, at(root, 'agents'), warnings);
  const defaults: CtoConfigDefaults = {};

  const alias = readRemediation(config.remediation, at(root, 'remediation'), warnings);
  const canonical = readRemediation(defaultsRaw.remediation, at(root, 'defaults.remediation'), warnings);
  if (isProblem(alias)) return { defaults: {}, warnings, problem: alias };
  if (isProblem(canonical)) return { defaults: {}, warnings, problem: canonical };
  if (alias && canonical)
    for (const key of Object.keys(alias))
      if (key in canonical && JSON.stringify(alias[key]) !== JSON.stringify(canonical[key]))
        warnings.push(`${at(root, 'remediation')}.${key}: also set in ${at(root, 'defaults.remediation')}, which wins`);
  if (alias || canonical) defaults.remediation = { ...alias, ...canonical };

  const preflight = defaultsRaw.preflight;
  if (preflight !== undefined) {
    if (!isObject(preflight)) return fail(at(root, 'defaults.preflight'), 'must be an object');
    unknownKeys(preflight, PREFLIGHT_KEYS, at(root, 'defaults.preflight'), warnings);
    const unknownIs = preflight.unknownIs ?? preflight.unknown_is;
    if (unknownIs !== undefined) {
      if (!UNKNOWN_POLICIES.includes(unknownIs as UnknownPolicy))
        return fail(at(root, 'defaults.preflight.unknownIs'), 'must be "pass", "warn" or "fail"');
      defaults.preflightUnknownIs = unknownIs as UnknownPolicy;
    }
  }

  const play = defaultsRaw.play;
  if (play !== undefined) {
    if (!isObject(play)) return fail(at(root, 'defaults.play'), 'must be an object');
    const endpoint = play.healerEndpoint ?? play.healer_endpoint;
    if (endpoint !== undefined) {
      if (typeof endpoint !== 'string' || !/^https?:\/\/[^\s/]+/.test(endpoint))
        return fail(at(root, 'defaults.play.healerEndpoint'), 'must be an http(s) URL');
      defaults.healerEndpoint = endpoint;
    }
  }
  return { defaults, warnings };
}
