// The log window's selection: every agent's lines, capped by lines and bytes, keeping the lines nearest
// the detection and every distinct catalog match however far back it sits; all of it redacted.
import type { Detection } from '../../../core/contract';
import {
  DEFAULT_CONTEXT_WINDOW,
  formatWindowLine,
  selectWindow,
  windowBounds,
  type WindowLine,
} from '../../../core/incident/log-window';

const T = Date.parse('2026-03-01T10:00:00.000Z');
const at = (offsetSecs: number): string => new Date(T + offsetSecs * 1000).toISOString();

const detection: Detection = {
  code: 'A12',
  severity: 'high',
  priority: 'P1',
  patternId: 'a12',
  fingerprint: 'fp-a12',
  line: 'ERROR MCP server failed to initialize',
  source: 'loki',
  observedAt: at(0),
  agent: 'cleo',
};

/** `count` INFO lines from three agents spread over the window, one every `everySecs`. */
function noise(count: number, everySecs: number): WindowLine[] {
  return Array.from({ length: count }, (_, i) => ({
    at: at(-300 + i * everySecs),
    line: `INFO step ${i} of the build went fine, nothing to see (${'x'.repeat(40)})`,
    source: 'loki',
    agent: ['rex', 'cleo', 'tess'][i % 3],
  }));
}

describe('selectWindow', () => {
  test('keeps a root cause logged by another agent minutes earlier, among thousands of noise lines', () => {
    const cause: WindowLine = {
      at: at(-200),
      line: 'ERROR connection refused to tools-server:8080',
      source: 'loki',
      agent: 'rex',
    };
    const lines = [...noise(5000, 0.07), cause];
    const kept = selectWindow(lines, detection, DEFAULT_CONTEXT_WINDOW);
    expect(kept.lines.map((l) => l.line)).toContain(cause.line);
    expect(kept.lines.find((l) => l.line === cause.line)).toMatchObject({ agent: 'rex', code: 'R2' });
    expect(kept.lines.length).toBeLessThanOrEqual(DEFAULT_CONTEXT_WINDOW.maxLines);
    expect(kept.bytes).toBeLessThanOrEqual(DEFAULT_CONTEXT_WINDOW.maxBytes);
    expect(kept.dropped).toBe(lines.length - kept.lines.length);
    // Oldest first, and the nearest lines around the detection are there too.
    expect(kept.lines.map((l) => l.at)).toEqual([...kept.lines.map((l) => l.at)].sort());
    expect(kept.lines.some((l) => Math.abs(Date.parse(l.at) - T) < 2000)).toBe(true);
  });

  test('keeps a line far back that names a dependency the detection names, though no catalog code matches it', () => {
    const eviction: WindowLine = {
      at: at(-230),
      line: 'WARN pod tools-server-7f9 evicted: node memory pressure',
      source: 'loki',
      agent: 'tess',
    };
    const kept = selectWindow([...noise(5000, 0.07), eviction], detection, DEFAULT_CONTEXT_WINDOW);
    expect(kept.lines.find((l) => l.line === eviction.line)).toMatchObject({ agent: 'tess' });
    expect(kept.lines.find((l) => l.line === eviction.line)?.code).toBeUndefined();
  });

  test('the caps hold: lines and bytes, whichever is reached first', () => {
    const lines = noise(3000, 0.1);
    expect(selectWindow(lines, detection, { maxLines: 25, maxBytes: 1_000_000 }).lines).toHaveLength(25);
    const bytes = selectWindow(lines, detection, { maxLines: 10_000, maxBytes: 2048 });
    expect(bytes.bytes).toBeLessThanOrEqual(2048);
    expect(bytes.lines.map(formatWindowLine).join('\n').length + 1).toBeLessThanOrEqual(2048);
    expect(bytes.lines.length).toBeGreaterThan(5);
  });

  test('a flood of one failure keeps its first line once; distinct failures each keep theirs', () => {
    const flood = Array.from({ length: 400 }, (_, i) => ({
      at: at(-250 + i * 0.5),
      line: 'ERROR request timed out after 30s',
      source: 'loki',
      agent: 'tess',
    }));
    const distinct: WindowLine[] = [
      { at: at(-280), line: 'fatal error: out of memory', source: 'pushed', agent: 'rex' },
      { at: at(-270), line: 'EACCES: permission denied, open /workspace/a.txt', source: 'pushed', agent: 'cleo' },
    ];
    const kept = selectWindow([...flood, ...distinct, ...noise(2000, 0.15)], detection, {
      maxLines: 60,
      maxBytes: 16_384,
    });
    const texts = kept.lines.map((l) => l.line);
    expect(texts).toEqual(expect.arrayContaining(distinct.map((d) => d.line)));
    expect(texts.filter((t) => t.includes('timed out')).length).toBeLessThan(30);
  });

  test('the same line from two sources in the same second counts once', () => {
    const line = { at: at(-5), line: 'ERROR connection refused to db:5432', agent: 'rex' };
    const kept = selectWindow(
      [
        { ...line, source: 'loki' },
        { ...line, source: 'pushed' },
      ],
      detection,
      DEFAULT_CONTEXT_WINDOW,
    );
    expect(kept.lines).toHaveLength(1);
    expect(kept.dropped).toBe(0);
  });

  test('secrets are redacted and long lines cut before anything is kept', () => {
    const secret = 'ghp_Zx81kQm2Lw0aPq7Rt5Vy3Nc9Hb4Jd6Fs1Ge8';
    const kept = selectWindow(
      [{ at: at(-1), line: `ERROR git push failed: token ${secret} ${'y'.repeat(2000)}`, source: 'loki' }],
      detection,
      DEFAULT_CONTEXT_WINDOW,
    );
    expect(JSON.stringify(kept)).not.toContain(secret);
    expect(kept.lines[0].line.length).toBeLessThanOrEqual(400);
  });

  test('window bounds and the line format', () => {
    expect(windowBounds(detection, { ...DEFAULT_CONTEXT_WINDOW, beforeSecs: 300, afterSecs: 60 })).toEqual({
      from: at(-300),
      to: at(60),
    });
    expect(
      formatWindowLine({ at: at(-60), line: 'tools-server unreachable', source: 'loki', agent: 'rex', code: 'A12' }),
    ).toBe('09:59:00.000 rex [A12] | tools-server unreachable');
  });
});
