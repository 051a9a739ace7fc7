// The eviction queue picks exactly what the former scan picked (oldest lastSeen, ties by key order,
// never an incident's entry), so sessions replay unchanged.
import type { FingerprintView } from '../../../core/contract';
import { EvictionQueue } from '../../../core/session/eviction-order';

/** The scan the queue replaces. */
function scanOldest(fingerprints: Record<string, FingerprintView>): FingerprintView | undefined {
  let oldest: FingerprintView | undefined;
  for (const fp of Object.values(fingerprints)) {
    if (fp.incidentId) continue;
    if (!oldest || fp.lastSeen < oldest.lastSeen) oldest = fp;
  }
  return oldest;
}

/** A small deterministic generator (the test must be repeatable). */
function random(seed: number) {
  return () => {
    seed = (seed * 1103515245 + 12345) % 2 ** 31;
    return seed / 2 ** 31;
  };
}

const view = (fingerprint: string, lastSeen: string, incidentId?: string): FingerprintView => ({
  fingerprint,
  code: 'R2',
  severity: 'high',
  count: 1,
  firstSeen: lastSeen,
  lastSeen,
  line: 'x',
  ...(incidentId ? { incidentId } : {}),
});

test.each([1, 2, 3, 4, 5])('the same evictions as a full scan, run %i', (seed) => {
  const next = random(seed);
  const scanned: Record<string, FingerprintView> = {};
  const queued: Record<string, FingerprintView> = {};
  // Ids that collide, integer-like keys (ordered first by JavaScript) and incidents, with few distinct times.
  const key = () => (next() < 0.2 ? String(Math.floor(next() * 50)) : `fp-${Math.floor(next() * 120)}`);
  const time = () => `2026-01-01T00:00:${String(Math.floor(next() * 30)).padStart(2, '0')}Z`;
  for (let i = 0; i < 60; i += 1) {
    const k = key();
    const t = time();
    const incident = next() < 0.05 ? `incident-${k}` : undefined;
    scanned[k] ??= view(k, t, incident);
    queued[k] ??= view(k, t, incident);
  }
  const queue = new EvictionQueue(queued);
  for (let step = 0; step < 400; step += 1) {
    const k = key();
    const t = time();
    if (scanned[k]) {
      // seen again: lastSeen only moves forward
      for (const map of [scanned, queued]) map[k].lastSeen = t > map[k].lastSeen ? t : map[k].lastSeen;
      continue;
    }
    const expected = scanOldest(scanned);
    const actual = queue.oldest(queued);
    expect(actual?.fingerprint).toBe(expected?.fingerprint);
    if (expected) {
      delete scanned[expected.fingerprint];
      delete queued[expected.fingerprint];
    }
    scanned[k] = view(k, t);
    queued[k] = view(k, t);
    queue.added(queued[k]);
    expect(Object.keys(queued)).toEqual(Object.keys(scanned));
  }
});
