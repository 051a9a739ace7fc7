// Who may call the API, and how often: bearer tokens with scopes, the /metrics token, rate limits.
// Tokens come from HEALER_API_TOKEN (one token with every scope, as before scopes existed),
// HEALER_API_TOKENS and the file HEALER_API_TOKENS_FILE, written the same way: entries
// `name:scope,scope:token`, separated by `;` or new lines (`#` starts a comment line in the file).
import { readFileSync } from 'node:fs';
import { ConfigError } from './errors';
import type { EnvReader } from './reader';
import type { ApiScope, ApiToken, HealerConfig } from './types';

export const API_SCOPES: readonly ApiScope[] = ['read', 'write', 'admin'];
export const DEFAULT_RATE_LIMIT = { windowMs: 60_000, max: 1200, logsMax: 12_000 } as const;

const NAME = /^[A-Za-z0-9._-]{1,64}$/;
// Visible ASCII without spaces: what an Authorization header carries unchanged.
const TOKEN = /^[\x21-\x7E]+$/;

/** Parses `name:scope,scope:token` entries; `key` names the variable in errors (never the token). */
export function parseTokenEntries(text: string, key: string): ApiToken[] {
  const entries = text
    .split(/[;\n]/)
    .map((line) => line.trim())
    .filter((line) => line && !line.startsWith('#'));
  return entries.map((entry, i) => {
    const where = `entry ${i + 1}`;
    const parts = entry.split(':');
    // A malformed entry may be a bare token: it is never quoted back.
    if (parts.length < 3) throw new ConfigError(key, `${where}: name:scope,scope:token`);
    const [name, scopeList, ...rest] = parts;
    const token = rest.join(':');
    if (!NAME.test(name))
      throw new ConfigError(key, `${where}: a name of letters, digits, ".", "_" or "-" before the first ":"`);
    const scopes = scopeList.split(',').map((s) => s.trim());
    if (scopes.some((s) => !API_SCOPES.includes(s as ApiScope)))
      throw new ConfigError(key, `${where}: scopes from ${API_SCOPES.join(', ')}, comma-separated`);
    if (!TOKEN.test(token)) throw new ConfigError(key, `${where}: a token of visible characters after the second ":"`);
    return { name, token, scopes: [...new Set(scopes as ApiScope[])] };
  });
}

function readTokenFile(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (error) {
    throw new ConfigError(
      'HEALER_API_TOKENS_FILE',
      `a readable file (${(error as NodeJS.ErrnoException).code ?? 'unreadable'})`,
      path,
    );
  }
}

/** The API's access settings; names and tokens must each be unique. */
export function readApiAccess(
  r: EnvReader,
): Pick<HealerConfig['api'], 'tokens' | 'tokensFile' | 'metricsToken' | 'rateLimit'> {
  const single = r.raw('HEALER_API_TOKEN');
  const tokensFile = r.raw('HEALER_API_TOKENS_FILE');
  const tokens: ApiToken[] = [
    ...(single ? [{ name: 'default', token: single, scopes: [...API_SCOPES] }] : []),
    ...parseTokenEntries(r.raw('HEALER_API_TOKENS') ?? '', 'HEALER_API_TOKENS'),
    ...(tokensFile ? parseTokenEntries(readTokenFile(tokensFile), 'HEALER_API_TOKENS_FILE') : []),
  ];
  const names = tokens.map((t) => t.name);
  const duplicate = names.find((name, i) => names.indexOf(name) !== i);
  if (duplicate) throw new ConfigError('HEALER_API_TOKENS', `unique token names ("${duplicate}" is used twice)`);
  if (new Set(tokens.map((t) => t.token)).size !== tokens.length)
    throw new ConfigError('HEALER_API_TOKENS', 'a different token for every name');
  return {
    tokens,
    ...(tokensFile ? { tokensFile } : {}),
    metricsToken: r.raw('HEALER_METRICS_TOKEN'),
    rateLimit: {
      windowMs: r.int('HEALER_API_RATE_LIMIT_WINDOW_MS', DEFAULT_RATE_LIMIT.windowMs, 1000, 3_600_000),
      max: r.int('HEALER_API_RATE_LIMIT', DEFAULT_RATE_LIMIT.max, 0, 10_000_000),
      logsMax: r.int('HEALER_API_RATE_LIMIT_LOGS', DEFAULT_RATE_LIMIT.logsMax, 0, 10_000_000),
    },
  };
}
