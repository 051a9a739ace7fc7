// Incident settings from the session's `remediation` block of cto-config.json (camelCase or snake_case).
// Invalid values fall back to the default and are reported as warnings: an incident never dies on config.
import { DEFAULT_DENIED_PATHS, type PathPolicy } from './path-policy';

export type RemediationMode = 'patch' | 'coderun';

export interface IncidentSettings {
  requireApproval: boolean;
  mode: RemediationMode;
  maxIterations: number;
  autoMerge: boolean;
  /** coderun mode: how long to wait for the coding agent's PR. */
  syncTimeoutSecs: number;
  /** Human gate: how long to wait for approve/reject before escalating. */
  approvalTimeoutSecs: number;
  /** How often and how long CI is polled per round. */
  ciPollSecs: number;
  ciTimeoutSecs: number;
  /**
   * How long after it started the incident waits out outages of its infrastructure (the model gateway's
   * workers, GitHub 5xx and rate limits) before it gives up on them; they never use up remediation rounds.
   */
  deadlineSecs: number;
  paths: PathPolicy;
  /** Overrides HEALER_ISSUES_REPO / the session repository. */
  issuesRepo?: string;
  /** coderun mode: CodeRun namespace (default: the session namespace). */
  coderunNamespace?: string;
}

export const DEFAULT_INCIDENT_SETTINGS: IncidentSettings = {
  requireApproval: false,
  mode: 'patch',
  maxIterations: 3,
  autoMerge: false,
  syncTimeoutSecs: 300,
  approvalTimeoutSecs: 24 * 3600,
  ciPollSecs: 30,
  ciTimeoutSecs: 3600,
  deadlineSecs: 48 * 3600,
  paths: { allow: [], deny: [...DEFAULT_DENIED_PATHS] },
};

const snake = (k: string): string => k.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);

/** Every setting parseIncidentSettings reads (camelCase; snake_case is accepted too). */
export const INCIDENT_SETTING_KEYS = [
  'requireApproval',
  'mode',
  'maxIterations',
  'autoMerge',
  'syncTimeoutSecs',
  'approvalTimeoutSecs',
  'ciPollSecs',
  'ciTimeoutSecs',
  'deadlineSecs',
  'allowedPaths',
  'deniedPaths',
  'issuesRepo',
  'coderunNamespace',
] as const;

/** Both spellings of a setting name. */
export const settingSpellings = (key: string): string[] => [key, snake(key)];

export function parseIncidentSettings(raw: Record<string, unknown> | undefined): {
  settings: IncidentSettings;
  warnings: string[];
} {
  const d = DEFAULT_INCIDENT_SETTINGS;
  const warnings: string[] = [];
  const src = raw ?? {};
  const get = (key: string): unknown => (src[key] !== undefined ? src[key] : src[snake(key)]);

  const bool = (key: string, def: boolean): boolean => {
    const v = get(key);
    if (v === undefined) return def;
    if (typeof v === 'boolean') return v;
    warnings.push(`remediation.${key}: expected true or false, using ${def}`);
    return def;
  };
  const num = (key: string, def: number, min: number, max: number, integer = false): number => {
    const v = get(key);
    if (v === undefined) return def;
    if (typeof v === 'number' && Number.isFinite(v) && v >= min && v <= max && (!integer || Number.isInteger(v)))
      return v;
    warnings.push(
      `remediation.${key}: expected ${integer ? 'an integer' : 'a number'} in ${min}..${max}, using ${def}`,
    );
    return def;
  };
  const globs = (key: string): string[] => {
    const v = get(key);
    if (v === undefined) return [];
    if (Array.isArray(v) && v.every((g) => typeof g === 'string' && g.length > 0)) return v as string[];
    warnings.push(`remediation.${key}: expected a list of glob strings, ignored`);
    return [];
  };
  const text = (key: string): string | undefined => {
    const v = get(key);
    if (v === undefined) return undefined;
    if (typeof v === 'string' && v.length > 0) return v;
    warnings.push(`remediation.${key}: expected a non-empty string, ignored`);
    return undefined;
  };

  let mode = d.mode;
  const rawMode = get('mode');
  if (rawMode === 'patch' || rawMode === 'coderun') mode = rawMode;
  else if (rawMode !== undefined) warnings.push(`remediation.mode: expected "patch" or "coderun", using ${d.mode}`);

  const settings: IncidentSettings = {
    requireApproval: bool('requireApproval', d.requireApproval),
    mode,
    maxIterations: num('maxIterations', d.maxIterations, 1, 20, true),
    autoMerge: bool('autoMerge', d.autoMerge),
    syncTimeoutSecs: num('syncTimeoutSecs', d.syncTimeoutSecs, 0.01, 7 * 24 * 3600),
    approvalTimeoutSecs: num('approvalTimeoutSecs', d.approvalTimeoutSecs, 0.01, 30 * 24 * 3600),
    ciPollSecs: num('ciPollSecs', d.ciPollSecs, 0.01, 3600),
    ciTimeoutSecs: num('ciTimeoutSecs', d.ciTimeoutSecs, 0.01, 7 * 24 * 3600),
    deadlineSecs: num('deadlineSecs', d.deadlineSecs, 1, 30 * 24 * 3600),
    paths: { allow: globs('allowedPaths'), deny: [...DEFAULT_DENIED_PATHS, ...globs('deniedPaths')] },
    issuesRepo: text('issuesRepo'),
    coderunNamespace: text('coderunNamespace'),
  };
  if (settings.issuesRepo !== undefined && !/^[\w.-]+\/[\w.-]+$/.test(settings.issuesRepo)) {
    warnings.push('remediation.issuesRepo: expected owner/name, ignored');
    settings.issuesRepo = undefined;
  }
  return { settings, warnings };
}
