// What the edge accepts: one rule (length limit + pattern) per kind of id, name and free text, shared by
// the HTTP routes (JSON schema), the MCP tools (zod) and the session payload normaliser, so no oversized
// or malformed value reaches Temporal (search attributes are capped at 2,048 characters, payloads at
// 2 MB, and one huge request holds the API's one connection to Temporal for everyone).

export interface FieldRule {
  maxLength: number;
  /** Anchored; compiled with the `u` flag (so a class excluding \uD800-\uDFFF rejects unpaired surrogates). */
  pattern: RegExp;
  /** What the pattern means, in words, for error messages. */
  hint: string;
}

// Control characters (except tab, and except line breaks where a text may span lines) and unpaired
// surrogates would reach logs and GitHub issue titles raw.
/* eslint-disable no-control-regex -- these patterns exist to find control characters */
const ONE_LINE = /^[^\u0000-\u0008\u000A-\u001F\u007F\uD800-\uDFFF]*$/u;
const MULTI_LINE = /^[^\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F\uD800-\uDFFF]*$/u;
/* eslint-enable no-control-regex */
const ONE_LINE_HINT = 'one line of text without control characters';

export const PLAY_ID_MAX = 128;
/** Fingerprints are 16 hex digits when Healer computes them; MCP callers may send their own. */
export const FINGERPRINT_MAX = 64;

export const FIELD_RULES = {
  playId: {
    maxLength: PLAY_ID_MAX,
    pattern: /^[A-Za-z0-9][A-Za-z0-9._-]*$/u,
    hint: `letters, digits, ".", "_" or "-", starting with a letter or digit (at most ${PLAY_ID_MAX})`,
  },
  incidentId: {
    maxLength: 'incident-'.length + PLAY_ID_MAX + 1 + FINGERPRINT_MAX,
    pattern: /^incident-[A-Za-z0-9][A-Za-z0-9._-]*$/u,
    hint: 'an incident workflow id, incident-<play_id>-<fingerprint>',
  },
  fingerprint: {
    maxLength: FINGERPRINT_MAX,
    pattern: /^[A-Za-z0-9._:-]+$/u,
    hint: 'letters, digits, ".", "_", ":" or "-"',
  },
  /** Detection batch ids and Idempotency-Key headers. */
  batchId: { maxLength: 200, pattern: /^[A-Za-z0-9._:-]+$/u, hint: 'letters, digits, ".", "_", ":" or "-"' },
  /** GitHub allows 39-character owners and 100-character names; 100 each leaves room for GitHub Enterprise. */
  repository: {
    maxLength: 201,
    pattern: /^[A-Za-z0-9_.-]{1,100}\/[A-Za-z0-9_.-]{1,100}$/u,
    hint: '"owner/name"',
  },
  k8sNamespace: {
    maxLength: 63,
    pattern: /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/u,
    hint: 'a Kubernetes namespace name (lower-case letters, digits and "-")',
  },
  /** Names: service, agents, tools, MCP servers, task ids, labels (agent, task_id, pod: up to a DNS name). */
  name: {
    maxLength: 253,
    pattern: /^[A-Za-z0-9][A-Za-z0-9._:@/+-]*$/u,
    hint: 'letters, digits, ".", "_", ":", "@", "/", "+" or "-", starting with a letter or digit (at most 253)',
  },
  taskTitle: { maxLength: 500, pattern: ONE_LINE, hint: ONE_LINE_HINT },
  /** Who decided at the human gate. */
  actor: { maxLength: 200, pattern: ONE_LINE, hint: ONE_LINE_HINT },
  endReason: { maxLength: 2000, pattern: MULTI_LINE, hint: 'text without control characters' },
  comment: { maxLength: 4000, pattern: MULTI_LINE, hint: 'text without control characters' },
  /** A detection's line as MCP callers send it (Healer truncates its own to 2,000). */
  detectionLine: { maxLength: 2000, pattern: ONE_LINE, hint: ONE_LINE_HINT },
  /** `remediation` setting names and string values. */
  settingName: { maxLength: 64, pattern: /^[A-Za-z][A-Za-z0-9_]*$/u, hint: 'a setting name (letters, digits, "_")' },
  settingValue: { maxLength: 1000, pattern: ONE_LINE, hint: ONE_LINE_HINT },
  /** A page cursor: Temporal's nextPageToken and a checksum, base64url (api/session/list.ts). */
  cursor: { maxLength: 4096, pattern: /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/u, hint: 'the nextCursor of a previous page' },
} as const satisfies Record<string, FieldRule>;

export type FieldRuleName = keyof typeof FIELD_RULES;

/** How many of each repeated thing one request may carry. */
export const COUNT_LIMITS = {
  agents: 100,
  toolsPerAgent: 1000,
  localServersPerAgent: 100,
  tasks: 1000,
  dependenciesPerTask: 100,
  remediationSettings: 50,
  remediationListItems: 200,
  detectionsPerBatch: 1000,
  missingTools: 1000,
} as const;

/** Session lists come in pages: this many by default, at most `max`. */
export const SESSION_PAGE = { default: 100, max: 1000 } as const;

/** A normalised session start, serialised, may take at most this many characters (Temporal allows 2 MB per payload). */
export const MAX_SESSION_INPUT_CHARS = 256 * 1024;

/**
 * One `detections` signal carries at most this many characters of JSON: at most 768 KB of UTF-8,
 * under Temporal's 2 MB payload limit and near its 512 KB warning, whatever the text.
 */
export const MAX_SIGNAL_CHARS = 256 * 1024;

/** A log push: lines per request and characters per line (the request body is capped at 5 MB too). */
export const PUSH_LIMITS = { lines: 10_000, lineLength: 64 * 1024 } as const;

/** Error messages show at most this many characters of a bad value. */
export const QUOTE_MAX = 100;

/** A bad value as an error message shows it: JSON-quoted, cut to QUOTE_MAX characters. */
export function quoteValue(value: unknown): string {
  const text = typeof value === 'string' ? value : String(value);
  const cut = text.length > QUOTE_MAX ? `${text.slice(0, QUOTE_MAX)}…` : text;
  const quoted = JSON.stringify(cut);
  return text.length > QUOTE_MAX ? `${quoted} (${text.length} characters)` : quoted;
}

/** Why `value` breaks `rule`, or undefined when it is fine. */
export function fieldProblem(rule: FieldRule, value: string): string | undefined {
  if (value.length > rule.maxLength) return `must be at most ${rule.maxLength} characters, got ${value.length}`;
  if (!rule.pattern.test(value)) return `must be ${rule.hint}, got ${quoteValue(value)}`;
  return undefined;
}

// Control characters but tab, and unpaired surrogates.
const UNSAFE_TEXT =
  // eslint-disable-next-line no-control-regex -- the point is to find control characters
  /[\u0000-\u0008\u000A-\u001F\u007F]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/** A pushed log line made safe for logs and issue titles: control characters and unpaired surrogates become U+FFFD. */
export const sanitiseLine = (line: string): string => line.replace(UNSAFE_TEXT, '\uFFFD');
