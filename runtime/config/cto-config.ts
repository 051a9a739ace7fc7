// cto-config.json: defaults for every session started — `defaults.remediation` (or the older top-level
// `remediation`), `defaults.preflight`, `defaults.play.healerEndpoint` — read as core/session/cto-config.ts
// reads a session's cto_config: an invalid value stops the process naming its path, an unknown key warns.
import { existsSync, readFileSync } from 'node:fs';
import { readCtoConfig as readDefaults, type CtoConfigDefaults } from '../../core/session/cto-config';
import { ConfigError } from './errors';
import type { ValueSource } from './types';

export interface CtoConfigFile {
  ctoConfig: Record<string, unknown>;
  /** What Healer uses of it. */
  defaults: CtoConfigDefaults;
  /** Unknown keys, by path, to show at start-up. */
  warnings: string[];
  /** One entry per value in the file (`ctoConfig.remediation.requireApproval` …). */
  sources: Record<string, ValueSource>;
}

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** `explicit`: the path was given (CTO_CONFIG), so a missing file is an error rather than "no defaults". */
export function readCtoConfig(path: string, explicit: boolean): CtoConfigFile {
  if (!existsSync(path)) {
    if (explicit) throw new ConfigError('CTO_CONFIG', 'the path of a readable cto-config.json', path);
    return { ctoConfig: {}, defaults: {}, warnings: [], sources: {} };
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new ConfigError('CTO_CONFIG', `valid JSON in ${path} (${(error as Error).message})`);
  }
  if (!isObject(parsed)) throw new ConfigError('CTO_CONFIG', `a JSON object in ${path}`);
  const { defaults, warnings, problem } = readDefaults(parsed, '');
  if (problem)
    throw new ConfigError(
      `CTO_CONFIG ${problem.field}`,
      `${problem.reason.replace(/^(expected|must be) /, '')} in ${path}`,
    );
  const sources: Record<string, ValueSource> = {};
  const note = (value: unknown, key: string): void => {
    if (isObject(value) && Object.keys(value).length)
      for (const [k, v] of Object.entries(value)) note(v, `${key}.${k}`);
    else sources[key] = { source: 'cto-config', file: path };
  };
  note(parsed, 'ctoConfig');
  return { ctoConfig: parsed, defaults, warnings: warnings.map((w) => `${path}: ${w}`), sources };
}
