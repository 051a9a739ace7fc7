// Redaction of secrets in free text. Everything that leaves Healer (model prompts, issues, PRs, our own
// logs, detection lines) goes through `redact` first. Pure: no I/O, safe inside workflows.

interface Rule {
  name: string;
  pattern: RegExp;
  replace: string | ((match: string, ...groups: string[]) => string);
}

const R = (name: string): string => `[REDACTED:${name}]`;

// Order matters: multi-line and structured secrets first, then well-known token formats, then the
// generic `key=value` catch-all (which must not re-redact what is already redacted).
const RULES: Rule[] = [
  {
    name: 'private-key',
    pattern: /-----BEGIN [A-Z0-9 ]*PRIVATE KEY-----(?:[\s\S]*?-----END [A-Z0-9 ]*PRIVATE KEY-----|[^\n]*)/g,
    replace: R('private-key'),
  },
  { name: 'jwt', pattern: /\beyJ[A-Za-z0-9_-]{5,}\.eyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]*/g, replace: R('jwt') },
  {
    // scheme://user:password@host → scheme://[REDACTED]@host
    name: 'url-credentials',
    pattern: /\b([a-z][a-z0-9+.-]*:\/\/)[^\s/:@"'<>]+:[^\s/@"'<>]+@/gi,
    replace: (_m, scheme: string) => `${scheme}${R('credentials')}@`,
  },
  { name: 'github-token', pattern: /\b(?:ghp|gho|ghu|ghs|ghr)_[A-Za-z0-9]{20,}\b/g, replace: R('github-token') },
  { name: 'github-pat', pattern: /\bgithub_pat_[A-Za-z0-9_]{20,}/g, replace: R('github-token') },
  { name: 'aws-access-key', pattern: /\b(?:AKIA|ASIA|AGPA|AIDA|AROA)[0-9A-Z]{16}\b/g, replace: R('aws-key') },
  { name: 'google-api-key', pattern: /\bAIza[0-9A-Za-z_-]{35}/g, replace: R('google-key') },
  { name: 'slack-token', pattern: /\bxox[abposr]-[A-Za-z0-9-]{10,}/g, replace: R('slack-token') },
  {
    name: 'slack-webhook',
    pattern: /hooks\.slack\.com\/services\/[A-Za-z0-9/_-]+/g,
    replace: `hooks.slack.com/services/${R('webhook')}`,
  },
  {
    name: 'discord-webhook',
    pattern: /(discord(?:app)?\.com\/api\/webhooks\/)\d+\/[A-Za-z0-9_-]+/g,
    replace: (_m, prefix: string) => `${prefix}${R('webhook')}`,
  },
  { name: 'openai-key', pattern: /\bsk-(?:ant-|proj-)?[A-Za-z0-9_-]{20,}/g, replace: R('api-key') },
  {
    name: 'authorization-header',
    pattern: /\b(authorization\s*[:=]\s*["']?)(?:bearer|basic|token|bot)\s+[^\s"',;]+/gi,
    replace: (_m, prefix: string) => `${prefix}${R('authorization')}`,
  },
  {
    name: 'bearer',
    pattern: /\b(bearer\s+)(?!\[REDACTED)[A-Za-z0-9._~+/-]{8,}=*/gi,
    replace: (_m, prefix: string) => `${prefix}${R('bearer')}`,
  },
  {
    // api_key=..., "password": "...", GITHUB_TOKEN=..., client-secret: ...; the key must END with the
    // secret word so `max_tokens=4096` or `token_count: 12` stay readable.
    name: 'key-value',
    pattern:
      /\b([A-Za-z0-9_.-]*(?:api[_-]?key|apikey|token|passwd|password|pwd|secret|access[_-]?key|private[_-]?key|credentials?))(["']?\s*[:=]\s*["']?)(?!\[REDACTED)([^\s"'&,;}<>)\]]+)/gi,
    replace: (_m, key: string, sep: string) => `${key}${sep}${R('secret')}`,
  },
];

/** Replace every secret-looking substring of `text` with a `[REDACTED:kind]` marker. */
export function redact(text: string): string {
  let out = text;
  for (const rule of RULES) {
    if (typeof rule.replace === 'string') out = out.replace(rule.pattern, rule.replace);
    else out = out.replace(rule.pattern, rule.replace as (substring: string, ...args: string[]) => string);
  }
  return out;
}

/** Names of the redaction rules, in the order they apply (for docs and tests). */
export const REDACTION_RULES: readonly string[] = RULES.map((r) => r.name);
