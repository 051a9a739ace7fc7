// Pushed lines as the session's log store keeps them: redacted, labelled, timed by their own timestamp
// when it is near the push, and split into appends under the signal size.
import { LOG_STORE_LIMITS } from '../../../core/contract';
import { lineTime, splitLines, storedLines } from '../../../core/session/pushed-lines';

const PUSHED = '2026-03-01T10:00:00.000Z';

describe('pushed lines', () => {
  test.each([
    ['2026-03-01T09:59:00.123Z ERROR x', '2026-03-01T09:59:00.123Z'],
    ['[2026-03-01 09:58:30] WARN y', '2026-03-01T09:58:30.000Z'],
    ['2026-03-01T11:58:30+02:00 INFO z', '2026-03-01T09:58:30.000Z'],
    ['2026-11-22T10:00:01Z an old log replayed', PUSHED],
    ['no timestamp at all', PUSHED],
  ])('%s is timed %s', (line, expected) => {
    expect(lineTime(line, PUSHED)).toBe(expected);
  });

  test('secrets are redacted, long lines cut, labels kept', () => {
    const [line] = storedLines(
      [`token ghp_Zx81kQm2Lw0aPq7Rt5Vy3Nc9Hb4Jd6Fs1Ge8 ${'z'.repeat(5000)}`],
      { agent: 'Rex', pod: 'rex-1', task_id: '3' },
      PUSHED,
    );
    expect(line.line).not.toContain('ghp_Zx81');
    expect(line.line.length).toBe(LOG_STORE_LIMITS.lineChars);
    expect(line).toMatchObject({ agent: 'rex', pod: 'rex-1', taskId: '3', at: PUSHED });
  });

  test('a large push becomes several appends, each under the limit, nothing lost', () => {
    const lines = storedLines(
      Array.from({ length: 3000 }, (_, i) => `line ${i} ${'p'.repeat(300)}`),
      {},
      PUSHED,
    );
    const parts = splitLines(lines, 100_000);
    expect(parts.length).toBeGreaterThan(5);
    for (const part of parts) expect(JSON.stringify(part).length).toBeLessThanOrEqual(100_000 + part.length);
    expect(parts.flat()).toEqual(lines);
  });
});
