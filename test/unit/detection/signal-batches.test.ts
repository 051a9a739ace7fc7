import type { Detection } from '../../../core/contract';
import { MAX_SIGNAL_CHARS } from '../../../core/contract';
import { foldByFingerprint, splitBySize } from '../../../core/detection';
import { detection } from '../../support/sessions';

describe('signal batches of a push', () => {
  test('repeats of a fingerprint fold into its first detection, with the count and the last time', () => {
    const input: Detection[] = [
      detection('a', { observedAt: '2026-01-01T00:00:01Z' }),
      detection('b', { observedAt: '2026-01-01T00:00:02Z' }),
      detection('a', { observedAt: '2026-01-01T00:00:03Z' }),
      detection('a', { observedAt: '2026-01-01T00:00:04Z', repeats: 5 }),
    ];
    const folded = foldByFingerprint(input);
    expect(folded.map((d) => [d.fingerprint, d.repeats ?? 1])).toEqual([
      ['a', 7],
      ['b', 1],
    ]);
    expect(folded[0].lastObservedAt).toBe('2026-01-01T00:00:04Z');
    expect(input[0].repeats).toBeUndefined(); // the caller's objects are untouched
  });

  test('batches stay under the size, keep the order and lose nothing', () => {
    const many = Array.from({ length: 5000 }, (_, i) => detection(`fp-${i}`, { line: 'x'.repeat(500) }));
    const batches = splitBySize(many);
    expect(batches.length).toBeGreaterThan(5);
    for (const batch of batches) expect(JSON.stringify(batch).length).toBeLessThanOrEqual(MAX_SIGNAL_CHARS);
    expect(batches.flat()).toEqual(many);
    expect(splitBySize(many)).toEqual(batches); // the same push cuts the same way
  });

  test('a single detection larger than the size travels alone', () => {
    const big = detection('big', { line: 'x'.repeat(200) });
    expect(splitBySize([detection('a'), big, detection('b')], 300)).toEqual([
      [detection('a')].map((d) => ({ ...d, observedAt: expect.any(String) })),
      [big],
      [expect.objectContaining({ fingerprint: 'b' })],
    ]);
  });
});
