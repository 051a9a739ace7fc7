// describeConfig: the configuration as rows a person can read (`healer config`): each value, where it
// came from, and secrets (tokens, keys, webhook URLs, passwords in URLs) masked.
import { CONFIG_ENV_VARS } from './env-vars';
import type { HealerConfig, ValueSource } from './types';

export interface ConfigRow {
  /** Dotted path in HealerConfig, e.g. `temporal.address` or `ctoConfig.remediation.requireApproval`. */
  key: string;
  /** The environment variable that sets it (absent for cto-config values). */
  env?: string;
  value: string;
  source: 'env' | 'cto-config' | 'default';
}

export const MASK = '********';
const UNSET = '(unset)';

const SECRET_KEYS = new Set<string>(
  CONFIG_ENV_VARS.filter((spec) => 'secret' in spec && spec.secret).map((s) => s.key),
);
/** cto-config has no catalogue: its secrets are recognised by name. */
const SECRET_NAME = /token|secret|password|api_?key|webhook/i;

/** Rows in CONFIG_ENV_VARS order, then the cto-config values. */
export function describeConfig(config: HealerConfig): ConfigRow[] {
  const keys = new Set([...CONFIG_ENV_VARS.map((spec) => spec.key), ...Object.keys(config.sources)]);
  return [...keys]
    .filter((key) => config.sources[key])
    .map((key) => ({
      key,
      ...envOf(config.sources[key]),
      value: isSecret(key) ? masked(valueAt(config, key)) : format(valueAt(config, key)),
      source: config.sources[key].source,
    }));
}

const envOf = (origin: ValueSource): { env?: string } =>
  origin.source !== 'cto-config' && origin.env ? { env: origin.env } : {};

const isSecret = (key: string): boolean =>
  SECRET_KEYS.has(key) || SECRET_NAME.test(key.slice(key.lastIndexOf('.') + 1));

const isEmpty = (value: unknown): boolean =>
  value === undefined || value === '' || (Array.isArray(value) && value.length === 0);
const masked = (value: unknown): string => (isEmpty(value) ? UNSET : MASK);

function valueAt(config: HealerConfig, key: string): unknown {
  let value: unknown = config;
  for (const part of key.split('.')) value = (value as Record<string, unknown> | undefined)?.[part];
  return value;
}

function format(value: unknown): string {
  if (value === undefined) return UNSET;
  if (typeof value === 'string') return withoutUrlCredentials(value);
  if (Array.isArray(value)) return value.join(',');
  if (typeof value === 'object' && value !== null) {
    const entries = Object.entries(value);
    // name=value pairs read back as they are written (HEALER_LOG_LABELS); anything else as JSON
    return entries.every(([, v]) => typeof v === 'string')
      ? entries.map(([k, v]) => `${k}=${v as string}`).join(',')
      : JSON.stringify(value);
  }
  return String(value);
}

/** `https://user:pass@host` → `https://user:********@host`: a URL can carry a password. */
function withoutUrlCredentials(text: string): string {
  if (!/^[a-z][a-z0-9+.-]*:\/\/[^/@\s]+@/i.test(text)) return text;
  try {
    const url = new URL(text);
    if (url.password) url.password = MASK;
    else if (url.username) url.username = MASK;
    return url.toString().replace(/\/$/, text.endsWith('/') ? '/' : '');
  } catch {
    return text;
  }
}
