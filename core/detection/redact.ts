// Redaction of secrets in free text. Everything that leaves Healer (model prompts, issues, PRs, our own
// logs, detection lines, Temporal payloads) goes through `redact` first. Pure: no I/O, safe inside workflows.
// test/unit/detection/redaction-corpus.test.ts plants secrets of every form below and look-alikes that
// must survive (hashes, UUIDs, commit shas, token counts).

interface Rule {
  name: string;
  pattern: RegExp;
  replace: string | ((match: string, ...groups: string[]) => string);
}

const R = (name: string): string => `[REDACTED:${name}]`;
const NOT_REDACTED = '(?!\\[REDACTED)';

// Words that make a key secret wherever they appear in it (`SECRET_KEY`, `db_passwd`, `x-auth-token`).
// `auth` must not be followed by `or` (author, authority) and stands alone or before a separator or
// token/key word, so `authentication failed` and `oauth2 flow` stay readable.
const SECRET_WORD =
  'secret|token|passw(?:or)?d?|pwd|api[_-]?key|apikey|private[_-]?key|credential|access[_-]?key|auth(?![a-z])|auth(?=[_-]?(?:token|key|code))';
// Keys that name a count or limit of tokens, whose numeric values are not secrets (`max_tokens=4096`).
const TOKEN_COUNT_KEY =
  /(?:^|[_.-])(?:max|min|input|output|total|prompt|completion|num|used|remaining)?[_-]?tokens?(?:[_-]?(?:count|limit|used|total|budget))?$/i;
// A key: identifier characters around a secret word. The value may be quoted (spaces allowed inside).
const KEY = `[A-Za-z0-9_.-]*(?:${SECRET_WORD})[A-Za-z0-9_.-]*`;

function keyValue(key: string, sep: string, value: string): string {
  const bare = value.replace(/^["']|["']$/g, '');
  if (/^\d{1,9}$/.test(bare) && TOKEN_COUNT_KEY.test(key)) return `${key}${sep}${value}`;
  const quote = /^["']/.test(value) ? value[0] : '';
  return `${key}${sep}${quote}${R('secret')}${quote}`;
}

// Order matters: multi-line and structured secrets first, then well-known token formats, then flags and
// the generic `key=value` forms (which must not re-redact what is already redacted).
const RULES: Rule[] = [
  {
    // PEM blocks across lines (RSA, EC, OPENSSH, PGP … PRIVATE KEY [BLOCK]); JSON-escaped newlines too.
    name: 'private-key',
    pattern:
      /-----BEGIN [A-Z0-9 ]*PRIVATE KEY(?: BLOCK)?-----(?:[\s\S]*?-----END [A-Z0-9 ]*PRIVATE KEY(?: BLOCK)?-----|[^\n"]*)/g,
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
  { name: 'gitlab-token', pattern: /\bgl(?:pat|dt|rt|cbt|ptt|oas)-[A-Za-z0-9_-]{20,}/g, replace: R('gitlab-token') },
  { name: 'aws-access-key', pattern: /\b(?:AKIA|ASIA|AGPA|AIDA|AROA)[0-9A-Z]{16}\b/g, replace: R('aws-key') },
  { name: 'google-api-key', pattern: /\bAIza[0-9A-Za-z_-]{35}/g, replace: R('google-key') },
  { name: 'google-oauth', pattern: /\bya29\.[0-9A-Za-z_-]{20,}/g, replace: R('google-token') },
  { name: 'slack-token', pattern: /\bxox[abposre]-[A-Za-z0-9-]{10,}/g, replace: R('slack-token') },
  { name: 'slack-app-token', pattern: /\bxapp-\d-[A-Za-z0-9-]{10,}/g, replace: R('slack-token') },
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
  { name: 'stripe-key', pattern: /\b(?:sk|rk|pk)_(?:live|test)_[A-Za-z0-9]{16,}/g, replace: R('stripe-key') },
  { name: 'openai-anthropic-key', pattern: /\bsk-(?:ant-|proj-|svcacct-)?[A-Za-z0-9_-]{20,}/g, replace: R('api-key') },
  { name: 'xai-key', pattern: /\bxai-[A-Za-z0-9]{20,}/g, replace: R('api-key') },
  { name: 'npm-token', pattern: /\bnpm_[A-Za-z0-9]{36}\b/g, replace: R('npm-token') },
  { name: 'huggingface-token', pattern: /\bhf_[A-Za-z0-9]{30,}\b/g, replace: R('api-key') },
  {
    // Authorization: Bearer x / Basic x / token x / a bare credential; Proxy-Authorization too.
    name: 'authorization-header',
    pattern: new RegExp(
      `\\b((?:proxy-)?authorization["']?\\s*[:=]\\s*["']?)${NOT_REDACTED}(?:(?:bearer|basic|token|bot|digest)\\s+)?[^\\s"',;]+`,
      'gi',
    ),
    replace: (_m, prefix: string) => `${prefix}${R('authorization')}`,
  },
  {
    name: 'bearer',
    pattern: /\b(bearer\s+)(?!\[REDACTED)[A-Za-z0-9._~+/-]{8,}=*/gi,
    replace: (_m, prefix: string) => `${prefix}${R('bearer')}`,
  },
  {
    // --password Hunter2, --token=x, --api-key "a b", --client-secret x, --db-pass x
    name: 'cli-flag',
    pattern: new RegExp(
      `(--(?:[a-z0-9]+-)*(?:password|passwd|pass|pwd|token|secret|api-?key|private-key|credentials?|auth-token)(?:=|\\s+))${NOT_REDACTED}("[^"\\n]*"|'[^'\\n]*'|[^\\s"']+)`,
      'gi',
    ),
    replace: (_m, flag: string, value: string) => {
      const quote = /^["']/.test(value) ? value[0] : '';
      return `${flag}${quote}${R('secret')}${quote}`;
    },
  },
  {
    // mysql -u root -pHunter2 / mysqldump … -p Hunter2: -p takes the password in MySQL-style clients.
    name: 'mysql-password',
    pattern:
      /(\b(?:mysql|mysqldump|mysqladmin|mysqlimport|mysqlsh|mariadb|mariadb-dump)\b[^\n]*?\s-p\s?)(?!\[REDACTED)(\S+)/g,
    replace: (_m, prefix: string) => `${prefix}${R('secret')}`,
  },
  {
    // password="two words", "client_secret": 'x y', SECRET_KEY: 'abc'
    name: 'key-quoted-value',
    pattern: new RegExp(`\\b(${KEY})(["']?\\s*[:=]\\s*)${NOT_REDACTED}("[^"\\n]*"|'[^'\\n]*')`, 'gi'),
    replace: (_m, key: string, sep: string, value: string) => keyValue(key, sep, value),
  },
  {
    // api_key=..., GITHUB_TOKEN=..., SECRET_KEY: ..., db.password = ...; counts of tokens stay readable.
    name: 'key-value',
    pattern: new RegExp(`\\b(${KEY})(["']?\\s*[:=]\\s*["']?)${NOT_REDACTED}([^\\s"'&,;}<>)\\]]+)`, 'gi'),
    replace: (_m, key: string, sep: string, value: string) => keyValue(key, sep, value),
  },
  {
    // export SECRET_KEY abc / set DB_PASSWORD hunter2 / ENV API_TOKEN x: a secret variable given its value.
    name: 'env-name-value',
    pattern: new RegExp(
      `(\\b(?:export|set|ENV|env)\\s+[A-Z0-9]*_?(?:SECRET|TOKEN|PASSWORD|PASSWD|PWD|API_?KEY|PRIVATE_KEY|CREDENTIALS?)_?[A-Z0-9_]*\\s+)${NOT_REDACTED}(\\S+)`,
      'g',
    ),
    replace: (_m, prefix: string) => `${prefix}${R('secret')}`,
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
