// The audit mirror's pure parts: checking a kept stretch of the chain from its anchor, and the state the
// mirror workflow keeps (re-sent seqs ignored, breaks kept, the carried segment anchored). Plus the
// file-then-mirror recorder the watchdog's activities use.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AuditLog, createAuditActivities, sha256Hex } from '../../../activities/watchdog/audit';
import {
  chainEntry,
  GENESIS_ANCHOR,
  GENESIS_HASH,
  verifySegment,
  type AuditEntry,
} from '../../../core/watchdog/audit/entry';
import {
  AUDIT_MIRROR_LIMITS,
  carryMirror,
  emptyMirror,
  mirrorPage,
  receiveEntry,
} from '../../../core/watchdog/audit/mirror';

function chain(n: number, from?: AuditEntry): AuditEntry[] {
  const entries: AuditEntry[] = [];
  let previous = from;
  for (let i = 0; i < n; i += 1) {
    previous = chainEntry(
      {
        key: `k${(previous?.seq ?? 0) + 1}`,
        actor: 'watchdog',
        action: 'restart_component',
        target: 'scanner',
        result: 'succeeded',
      },
      previous,
      '2026-01-01T00:00:00.000Z',
      sha256Hex,
    );
    entries.push(previous);
  }
  return entries;
}

describe('verifySegment (a kept stretch, checked from its anchor)', () => {
  const all = chain(6);

  it('accepts the whole chain from genesis and a tail from the entry before it', () => {
    expect(verifySegment(all, GENESIS_ANCHOR, sha256Hex)).toEqual({ ok: true, entries: 6, lastHash: all[5].hash });
    const anchor = { seq: all[2].seq, hash: all[2].hash };
    expect(verifySegment(all.slice(3), anchor, sha256Hex)).toMatchObject({ ok: true, entries: 3 });
    expect(verifySegment([], anchor, sha256Hex)).toEqual({ ok: true, entries: 0, lastHash: all[2].hash });
  });

  it('names the first entry that does not follow: wrong anchor, gap, edit', () => {
    expect(verifySegment(all.slice(3), { seq: 3, hash: GENESIS_HASH }, sha256Hex)).toMatchObject({
      ok: false,
      seq: 4,
      entries: 0,
      reason: expect.stringMatching(/prevHash/),
    });
    expect(verifySegment([all[0], all[2]], GENESIS_ANCHOR, sha256Hex)).toMatchObject({
      ok: false,
      seq: 3,
      entries: 1,
      reason: expect.stringMatching(/removed or reordered/),
    });
    const edited = { ...all[1], target: 'worker' };
    expect(verifySegment([all[0], edited, all[2]], GENESIS_ANCHOR, sha256Hex)).toMatchObject({
      ok: false,
      seq: 2,
      reason: expect.stringMatching(/edited/),
    });
  });
});

describe('the mirror state', () => {
  it('keeps entries in order, ignores a re-sent seq and checks from the anchor', () => {
    const entries = chain(3);
    const state = emptyMirror();
    expect(entries.map((e) => receiveEntry(state, e))).toEqual(['kept', 'kept', 'kept']);
    expect(receiveEntry(state, entries[1])).toBe('duplicate');
    expect(state.entries.map((e) => e.seq)).toEqual([1, 2, 3]);
    expect(state.breaks).toEqual([]);
    expect(verifySegment(state.entries, state.anchor, sha256Hex).ok).toBe(true);
  });

  it('keeps an entry that does not chain, and records the break (never repaired)', () => {
    const entries = chain(4);
    const state = emptyMirror();
    receiveEntry(state, entries[0]);
    expect(receiveEntry(state, entries[2])).toBe('broken'); // entry 2 never arrived
    expect(receiveEntry(state, { ...entries[3], prevHash: 'f'.repeat(64) })).toBe('broken');
    expect(receiveEntry(state, entries[1])).toBe('kept'); // late: goes in its place; the gap stays recorded
    expect(receiveEntry(state, { ...entries[1], hash: 'e'.repeat(64) })).toBe('broken');
    expect(state.entries.map((e) => e.seq)).toEqual([1, 2, 3, 4]);
    expect(state.breaks.map((b) => b.seq)).toEqual([3, 4, 2]);
    expect(state.breaks[0].reason).toMatch(/1 entry before it never reached the mirror \(seq 2\)/);
    expect(state.breaks[1].reason).toMatch(/prevHash does not match entry 3/);
    expect(state.breaks[2].reason).toMatch(/sent again with different content/);
    expect(state.breakCount).toBe(3);
  });

  it('a mirror started after the log anchors at the first entry it is sent', () => {
    const entries = chain(5);
    const state = emptyMirror();
    receiveEntry(state, entries[3]);
    receiveEntry(state, entries[4]);
    expect(state.anchor).toEqual({ seq: 3, hash: entries[2].hash });
    expect(receiveEntry(state, entries[1])).toBe('duplicate'); // before the anchor: not the mirror's to hold
    expect(verifySegment(state.entries, state.anchor, sha256Hex)).toMatchObject({ ok: true, entries: 2 });
  });

  it('carries the newest entries, anchored at the last one dropped, and pages by seq', () => {
    const entries = chain(AUDIT_MIRROR_LIMITS.carriedEntries + 10);
    const state = emptyMirror();
    for (const e of entries) receiveEntry(state, e);
    const carried = carryMirror(state);
    // Within both caps (entries and bytes), the newest kept, anchored at the entry just before them.
    expect(carried.entries.length).toBeLessThanOrEqual(AUDIT_MIRROR_LIMITS.carriedEntries);
    expect(carried.entries.reduce((total, e) => total + JSON.stringify(e).length, 0)).toBeLessThanOrEqual(
      AUDIT_MIRROR_LIMITS.carriedBytes,
    );
    expect(carried.entries.length).toBeGreaterThan(AUDIT_MIRROR_LIMITS.pageEntries);
    expect(carried.entries.at(-1)).toEqual(entries.at(-1));
    const before = entries[entries.length - carried.entries.length - 1];
    expect(carried.anchor).toEqual({ seq: before.seq, hash: before.hash });
    expect(verifySegment(carried.entries, carried.anchor, sha256Hex).ok).toBe(true);

    const first = mirrorPage(carried, { limit: 3000 });
    expect(first).toMatchObject({ count: carried.entries.length, anchor: carried.anchor });
    expect(first.entries).toHaveLength(AUDIT_MIRROR_LIMITS.pageEntries);
    expect(first.entries[0].seq).toBe(before.seq + 1);
    expect(first.nextAfterSeq).toBe(first.entries.at(-1)!.seq);
    const last = mirrorPage(carried, { afterSeq: entries.at(-2)!.seq });
    expect(last.entries.map((e) => e.seq)).toEqual([entries.at(-1)!.seq]);
    expect(last.nextAfterSeq).toBeUndefined();
  });
});

describe('the audit activities with a mirror', () => {
  it('send every entry append returns, once more on a retried key; without a mirror the file alone', async () => {
    const log = new AuditLog(join(mkdtempSync(join(tmpdir(), 'healer-audit-mirror-')), 'audit.jsonl'));
    const sent: number[] = [];
    const { appendAudit } = createAuditActivities({ log, mirror: async (e) => void sent.push(e.seq) });
    const input = { key: 'run/step', actor: 'watchdog', action: 'a', target: 't', result: 'info' as const };
    const first = await appendAudit(input);
    const retried = await appendAudit(input);
    expect(retried).toEqual(first);
    expect(sent).toEqual([1, 1]);
    expect(await log.tail()).toHaveLength(1);

    const { appendAudit: fileOnly } = createAuditActivities({ log });
    await expect(fileOnly({ ...input, key: 'other' })).resolves.toMatchObject({ seq: 2 });
  });

  it('a mirror that fails fails the append, so the activity retries (the file keeps one entry)', async () => {
    const log = new AuditLog(join(mkdtempSync(join(tmpdir(), 'healer-audit-mirror-')), 'audit.jsonl'));
    let down = true;
    const { appendAudit } = createAuditActivities({
      log,
      mirror: async () => {
        if (down) throw new Error('Temporal unreachable');
      },
    });
    const input = { key: 'k', actor: 'watchdog', action: 'a', target: 't', result: 'info' as const };
    await expect(appendAudit(input)).rejects.toThrow('Temporal unreachable');
    down = false;
    await expect(appendAudit(input)).resolves.toMatchObject({ seq: 1 });
    expect(await log.tail()).toHaveLength(1);
  });
});
