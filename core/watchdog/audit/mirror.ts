// The audit mirror's state (workflows/watchdog/audit-mirror.ts): entries kept in seq order, a re-sent seq
// ignored, and anything that does not chain (a gap, a wrong prevHash, a seq sent twice with different
// content) kept as a break that is never repaired. Hashes are not checked here (no crypto in workflows):
// the verifier recomputes them. Pure, so the workflow stays deterministic.
import type { AuditMirrorBreak, AuditMirrorPage, AuditMirrorPageRequest, AuditMirrorState } from '../../contract';
import { GENESIS_ANCHOR, type AuditEntry, type ChainAnchor } from './entry';

export const AUDIT_MIRROR_LIMITS = {
  /** Entries carried across continue-as-new (the oldest beyond it are dropped; the anchor keeps their end). */
  carriedEntries: 5000,
  /** …and their JSON size, well under Temporal's 2 MB payload limit. */
  carriedBytes: 1_000_000,
  /** Breaks remembered (the first ones: where the chain first went wrong matters most). */
  breaks: 100,
  /** Largest page a query returns, in entries and in JSON bytes. */
  pageEntries: 1000,
  pageBytes: 1_000_000,
} as const;

export const emptyMirror = (): AuditMirrorState => ({ anchor: GENESIS_ANCHOR, entries: [], breaks: [], breakCount: 0 });

const short = (hash: string): string => `${hash.slice(0, 12)}…`;
const sizeOf = (entry: AuditEntry): number => JSON.stringify(entry).length;

function recordBreak(state: AuditMirrorState, found: AuditMirrorBreak): void {
  state.breakCount += 1;
  if (state.breaks.length < AUDIT_MIRROR_LIMITS.breaks) state.breaks.push(found);
}

/** Why `entry` does not link onto `previous` (by seq and prevHash), or undefined. */
function linkProblem(entry: AuditEntry, previous: ChainAnchor): string | undefined {
  if (entry.seq > previous.seq + 1) {
    const missing = entry.seq - previous.seq - 1;
    return `${missing} entr${missing === 1 ? 'y' : 'ies'} before it never reached the mirror (seq ${previous.seq + 1}${missing > 1 ? `–${entry.seq - 1}` : ''})`;
  }
  if (entry.prevHash !== previous.hash)
    return `prevHash does not match entry ${previous.seq} (${short(previous.hash)})`;
  return undefined;
}

export type Received = 'kept' | 'duplicate' | 'broken' | 'rejected';

/** Take one entry into the mirror (mutates `state`). */
export function receiveEntry(state: AuditMirrorState, entry: AuditEntry): Received {
  const malformed =
    !entry ||
    typeof entry !== 'object' ||
    !Number.isInteger(entry.seq) ||
    entry.seq < 1 ||
    typeof entry.hash !== 'string' ||
    typeof entry.prevHash !== 'string';
  const last = state.entries.at(-1) ?? state.anchor;
  if (malformed) {
    recordBreak(state, { seq: last.seq + 1, reason: 'an entry without seq, hash or prevHash was received' });
    return 'rejected';
  }
  // The mirror began after the file did: it chains from the first entry it is sent (the anchor says so).
  if (state.entries.length === 0 && state.anchor.seq === 0 && entry.seq > 1)
    state.anchor = { seq: entry.seq - 1, hash: entry.prevHash };
  if (entry.seq <= state.anchor.seq) return 'duplicate';
  let index = state.entries.length - 1;
  while (index >= 0 && state.entries[index].seq > entry.seq) index -= 1;
  const existing = index >= 0 ? state.entries[index] : undefined;
  if (existing?.seq === entry.seq) {
    if (existing.hash === entry.hash) return 'duplicate';
    recordBreak(state, {
      seq: entry.seq,
      reason: `entry ${entry.seq} was sent again with different content (hash ${short(entry.hash)}, kept ${short(existing.hash)})`,
    });
    return 'broken';
  }
  // Usually the newest; an entry that arrives late (after a gap was recorded) goes in its place.
  state.entries.splice(index + 1, 0, entry);
  const problem = linkProblem(entry, existing ?? state.anchor);
  if (problem) {
    recordBreak(state, { seq: entry.seq, reason: problem });
    return 'broken';
  }
  return 'kept';
}

/** The state to carry across continue-as-new: the newest entries within the caps, anchored at the last one dropped. */
export function carryMirror(state: AuditMirrorState): AuditMirrorState {
  let first = Math.max(0, state.entries.length - AUDIT_MIRROR_LIMITS.carriedEntries);
  let bytes = state.entries.slice(first).reduce((total, e) => total + sizeOf(e), 0);
  while (first < state.entries.length - 1 && bytes > AUDIT_MIRROR_LIMITS.carriedBytes) {
    bytes -= sizeOf(state.entries[first]);
    first += 1;
  }
  const dropped = state.entries[first - 1];
  return {
    anchor: dropped ? { seq: dropped.seq, hash: dropped.hash } : state.anchor,
    entries: state.entries.slice(first),
    breaks: state.breaks,
    breakCount: state.breakCount,
  };
}

/** One page of entries for the verifier, bounded in count and bytes. */
export function mirrorPage(state: AuditMirrorState, request: AuditMirrorPageRequest = {}): AuditMirrorPage {
  const afterSeq = request.afterSeq ?? state.anchor.seq;
  const limit = Math.max(
    1,
    Math.min(request.limit ?? AUDIT_MIRROR_LIMITS.pageEntries, AUDIT_MIRROR_LIMITS.pageEntries),
  );
  const entries: AuditEntry[] = [];
  let bytes = 0;
  let more = false;
  for (const entry of state.entries) {
    if (entry.seq <= afterSeq) continue;
    if (entries.length >= limit || (entries.length > 0 && bytes + sizeOf(entry) > AUDIT_MIRROR_LIMITS.pageBytes)) {
      more = true;
      break;
    }
    entries.push(entry);
    bytes += sizeOf(entry);
  }
  return {
    anchor: state.anchor,
    count: state.entries.length,
    entries,
    ...(more ? { nextAfterSeq: entries.at(-1)!.seq } : {}),
    breaks: state.breaks,
    breakCount: state.breakCount,
  };
}
