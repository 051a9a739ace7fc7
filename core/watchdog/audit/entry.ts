// The audit log: append-only JSON lines, each entry carrying the sha256 of the previous one, so editing,
// removing or reordering any line breaks the chain from that line on. Pure: the hash function is passed in.

export const GENESIS_HASH = '0'.repeat(64);

/** What an activity asks to record. `key` makes the append idempotent: one entry per action, ever. */
export interface AuditInput {
  key: string;
  actor: string;
  action: string;
  target: string;
  result: 'succeeded' | 'failed' | 'skipped' | 'started' | 'escalated' | 'info';
  /** Workflow id of the playbook run this action belongs to. */
  playbookRun?: string;
  startedAt?: string;
  finishedAt?: string;
  details?: Record<string, unknown>;
}

export interface AuditEntry extends AuditInput {
  seq: number;
  /** When the line was written. */
  recordedAt: string;
  prevHash: string;
  hash: string;
}

export type Sha256Hex = (text: string) => string;

/** JSON with object keys sorted at every level and no whitespace: the bytes that get hashed. */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') {
    if (typeof value === 'number' && !Number.isFinite(value)) return 'null';
    return JSON.stringify(value) ?? 'null';
  }
  if (Array.isArray(value)) return `[${value.map((v) => (v === undefined ? 'null' : canonicalJson(v))).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
}

export function hashEntry(entry: Omit<AuditEntry, 'hash'>, sha256: Sha256Hex): string {
  return sha256(canonicalJson(entry));
}

/** Build the next entry of a chain whose last entry is `previous` (undefined for an empty log). */
export function chainEntry(
  input: AuditInput,
  previous: AuditEntry | undefined,
  recordedAt: string,
  sha256: Sha256Hex,
): AuditEntry {
  const unhashed: Omit<AuditEntry, 'hash'> = {
    seq: previous ? previous.seq + 1 : 1,
    recordedAt,
    ...stripUndefined(input),
    prevHash: previous ? previous.hash : GENESIS_HASH,
  };
  return { ...unhashed, hash: hashEntry(unhashed, sha256) };
}

export type ChainVerdict =
  | { ok: true; entries: number; lastHash: string }
  | { ok: false; entries: number; line: number; seq?: number; reason: string };

/** Where a checked stretch of the chain starts: the entry just before its first one (the log's start: seq 0, genesis). */
export interface ChainAnchor {
  seq: number;
  hash: string;
}

export const GENESIS_ANCHOR: ChainAnchor = { seq: 0, hash: GENESIS_HASH };

/** Why `entry` does not follow `previous` (sequence, link or its own hash), or undefined when it does. */
export function chainProblem(entry: AuditEntry, previous: ChainAnchor, sha256: Sha256Hex): string | undefined {
  const expectedSeq = previous.seq + 1;
  if (entry.seq !== expectedSeq)
    return `sequence ${String(entry.seq)} where ${expectedSeq} was expected (an entry was removed or reordered)`;
  if (entry.prevHash !== previous.hash) return 'prevHash does not match the previous entry';
  const { hash, ...unhashed } = entry;
  if (hashEntry(unhashed, sha256) !== hash) return 'content does not match its hash (the entry was edited)';
  return undefined;
}

/** Check every line of a log; names the first bad line (1-based) and why. Blank lines are ignored. */
export function verifyChain(lines: string[], sha256: Sha256Hex): ChainVerdict {
  let previous: AuditEntry | undefined;
  let count = 0;
  for (let index = 0; index < lines.length; index += 1) {
    const text = lines[index];
    if (text.trim() === '') continue;
    const line = index + 1;
    let entry: AuditEntry;
    try {
      entry = JSON.parse(text) as AuditEntry;
    } catch {
      return { ok: false, entries: count, line, reason: 'not valid JSON' };
    }
    if (!entry || typeof entry !== 'object' || typeof entry.hash !== 'string' || typeof entry.prevHash !== 'string') {
      return { ok: false, entries: count, line, reason: 'missing hash or prevHash' };
    }
    const reason = chainProblem(entry, previous ?? GENESIS_ANCHOR, sha256);
    if (reason) return { ok: false, entries: count, line, seq: entry.seq, reason };
    previous = entry;
    count += 1;
  }
  return { ok: true, entries: count, lastHash: previous ? previous.hash : GENESIS_HASH };
}

export type SegmentVerdict =
  { ok: true; entries: number; lastHash: string } | { ok: false; entries: number; seq: number; reason: string };

/**
 * Check a kept stretch of the chain (oldest first) from its anchor: a mirror that dropped its oldest
 * entries can still prove the rest link up to the hash of the last one it dropped.
 */
export function verifySegment(entries: AuditEntry[], anchor: ChainAnchor, sha256: Sha256Hex): SegmentVerdict {
  let previous = anchor;
  for (const [count, entry] of entries.entries()) {
    const malformed =
      !entry || typeof entry !== 'object' || typeof entry.hash !== 'string' || typeof entry.prevHash !== 'string';
    const reason = malformed ? 'missing hash or prevHash' : chainProblem(entry, previous, sha256);
    if (reason) return { ok: false, entries: count, seq: malformed ? previous.seq + 1 : entry.seq, reason };
    previous = { seq: entry.seq, hash: entry.hash };
  }
  return { ok: true, entries: entries.length, lastHash: previous.hash };
}

function stripUndefined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}
