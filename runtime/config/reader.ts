// Typed reads of the environment. Each read notes where its value came from (the variable, or the
// default) under the variable's configuration key, and a bad value throws a ConfigError naming it.
// Only variables listed in CONFIG_ENV_VARS can be read (EnvVarName), so that list stays complete.
import { envVarSpec, type EnvVarName } from './env-vars';
import { ConfigError } from './errors';
import type { ValueSource } from './types';

export type Env = Record<string, string | undefined>;

export class EnvReader {
  readonly sources: Record<string, ValueSource> = {};

  constructor(private readonly env: Env) {}

  /** The trimmed value, or undefined when unset or blank. */
  raw(name: EnvVarName): string | undefined {
    const value = this.env[name]?.trim() || undefined;
    this.sources[envVarSpec(name).key] =
      value === undefined ? { source: 'default', env: name } : { source: 'env', env: name };
    return value;
  }

  string(name: EnvVarName, fallback: string): string {
    return this.raw(name) ?? fallback;
  }

  int(name: EnvVarName, fallback: number, min: number, max: number): number {
    return this.optionalInt(name, min, max) ?? fallback;
  }

  optionalInt(name: EnvVarName, min: number, max: number): number | undefined {
    const raw = this.raw(name);
    if (raw === undefined) return undefined;
    const n = Number(raw);
    if (!Number.isInteger(n) || n < min || n > max)
      throw new ConfigError(name, `an integer from ${min} to ${max}`, raw);
    return n;
  }

  number(name: EnvVarName, fallback: number, min: number): number {
    const raw = this.raw(name);
    if (raw === undefined) return fallback;
    const n = Number(raw);
    if (!Number.isFinite(n) || n < min) throw new ConfigError(name, `a number ≥ ${min}`, raw);
    return n;
  }

  bool(name: EnvVarName, fallback: boolean): boolean {
    const raw = this.raw(name);
    if (raw === undefined) return fallback;
    if (raw === 'true' || raw === '1') return true;
    if (raw === 'false' || raw === '0') return false;
    throw new ConfigError(name, 'true or false', raw);
  }

  oneOf<T extends string>(name: EnvVarName, options: readonly T[], fallback: T): T {
    const raw = this.raw(name) ?? fallback;
    if (!options.includes(raw as T)) throw new ConfigError(name, options.join(' | '), raw);
    return raw as T;
  }

  /** Must match `pattern`; `expected` says in words what that is. */
  matching(name: EnvVarName, pattern: RegExp, expected: string): string | undefined {
    const raw = this.raw(name);
    if (raw !== undefined && !pattern.test(raw)) throw new ConfigError(name, expected, raw);
    return raw;
  }

  /** An http(s) URL, without trailing slashes. */
  url(name: EnvVarName): string | undefined {
    const raw = this.raw(name);
    if (raw === undefined) return undefined;
    let protocol: string;
    try {
      protocol = new URL(raw).protocol;
    } catch {
      throw new ConfigError(name, 'an http(s) URL', raw);
    }
    if (protocol !== 'http:' && protocol !== 'https:') throw new ConfigError(name, 'an http(s) URL', raw);
    return raw.replace(/\/+$/, '');
  }

  /** A Kubernetes namespace name (a DNS label). */
  k8sNamespace(name: EnvVarName, fallback: string): string {
    return this.matching(name, /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/, 'a Kubernetes namespace name') ?? fallback;
  }

  hostPort(name: EnvVarName, fallback: string): string {
    const raw = this.raw(name) ?? fallback;
    if (!/^[A-Za-z0-9.\-_[\]:]+:\d{1,5}$/.test(raw)) throw new ConfigError(name, 'host:port', raw);
    return raw;
  }

  /** A comma-separated list (blank items dropped); `fallback` when unset. */
  list(name: EnvVarName, fallback: readonly string[]): string[] {
    const raw = this.raw(name);
    if (raw === undefined) return [...fallback];
    const items = raw
      .split(',')
      .map((item) => item.trim())
      .filter(Boolean);
    if (!items.length) throw new ConfigError(name, 'a comma-separated list', raw);
    return items;
  }

  /** `name=value,name=value`. */
  pairs(name: EnvVarName): Record<string, string> {
    const raw = this.raw(name);
    const pairs: Record<string, string> = {};
    for (const pair of (raw ?? '').split(',').filter((p) => p.trim())) {
      const eq = pair.indexOf('=');
      if (eq <= 0) throw new ConfigError(name, 'comma-separated name=value pairs', raw);
      pairs[pair.slice(0, eq).trim()] = pair.slice(eq + 1).trim();
    }
    return pairs;
  }

  /** JSON, handed to `parse`, whose "KEY: expected …" errors keep their key. */
  json<T>(name: EnvVarName, parse: (text: string | undefined) => T): T {
    const raw = this.raw(name);
    if (raw !== undefined) {
      try {
        JSON.parse(raw);
      } catch (error) {
        throw new ConfigError(name, `JSON (${(error as Error).message})`, raw);
      }
    }
    try {
      return parse(raw);
    } catch (error) {
      const message = (error as Error).message;
      const [, key, expected] = /^(\S+): expected (.*)$/.exec(message) ?? [undefined, name, message];
      throw new ConfigError(key ?? name, expected ?? message);
    }
  }
}
