import {
  getMatcher,
  matchLine,
  matchLines,
  Matcher,
  CATALOG,
  SUPPRESSIONS,
  allPatterns,
  MAX_DETECTION_LINE,
  codeInfo,
} from '../../../core/detection';

const ctx = {
  source: 'test' as const,
  observedAt: '2026-11-22T04:00:00.000Z',
  agent: 'rex',
  taskId: '12',
  pod: 'rex-abc',
};

describe('matcher', () => {
  it('returns a full detection for a matching line', () => {
    const d = matchLine("thread 'main' panicked at src/x.rs:10:5:", { ...ctx, lineNumber: 7 });
    expect(d).toEqual({
      code: 'R1',
      severity: 'critical',
      priority: 'P2',
      patternId: 'r1-rust-panic',
      fingerprint: expect.stringMatching(/^[0-9a-f]{16}$/),
      line: "thread 'main' panicked at src/x.rs:10:5:",
      source: 'test',
      observedAt: ctx.observedAt,
      agent: 'rex',
      taskId: '12',
      pod: 'rex-abc',
      lineNumber: 7,
    });
  });

  it('is case-insensitive', () => {
    expect(matchLine('ERROR: CONNECTION REFUSED', ctx)?.code).toBe('R2');
    expect(matchLine('Tool Inventory Mismatch for rex', ctx)?.code).toBe('A10');
  });

  it('prefers the more specific code when a line matches several', () => {
    expect(matchLine('Max retries exceeded with url: /x (Caused by: Connection refused)', ctx)?.code).toBe('R3');
    expect(matchLine('tools-server unreachable: connection refused', ctx)?.code).toBe('A12');
    expect(matchLine('git@github.com: Permission denied (publickey).', ctx)?.code).toBe('R5');
  });

  it('lets a code-specific suppression fall through to other codes only', () => {
    // retry-notice vetoes R2 only: the line is not a detection.
    const m = getMatcher().classify('WARN connection refused, retrying in 2s (attempt 1/5)');
    expect(m?.suppressedBy).toBe('retry-notice');
    // A retry notice that gave up is not vetoed (and is R3 anyway).
    expect(matchLine('ERROR connection refused, giving up after 5 attempts', ctx)?.code).toBe('R3');
  });

  it('redacts secrets in the detection line and truncates long lines', () => {
    const d = matchLine(
      'fatal: Authentication failed for https://rex:ghp_abcdefghijklmnopqrstuvwxyz0123456789@github.com/5dlabs/cto.git',
      ctx,
    );
    expect(d?.code).toBe('R5');
    expect(d?.line).not.toContain('ghp_');
    expect(d?.line).toContain('[REDACTED');
    const long = matchLine(`ERROR connection refused ${'x'.repeat(5000)}`, ctx);
    expect(long?.line.length).toBe(MAX_DETECTION_LINE);
  });

  it('numbers lines in matchLines and scanText identically', () => {
    const lines = [
      'ok',
      'Error: connect ECONNREFUSED 127.0.0.1:5432',
      'fine',
      'INFO 0 errors',
      'fatal error: concurrent map writes',
    ];
    const a = matchLines(lines, ctx).map((d) => [d.lineNumber, d.code]);
    const b = getMatcher()
      .scanText(lines.join('\r\n'), ctx)
      .map((d) => [d.lineNumber, d.code]);
    expect(a).toEqual([
      [2, 'R2'],
      [5, 'R1'],
    ]);
    expect(b).toEqual(a);
  });

  it('scanText reports suppressed matches to the observer but not as detections', () => {
    const seen: string[] = [];
    const out = getMatcher().scanText('INFO retry on "connection refused"\npanic: boom\n', ctx, (m, _line, n) =>
      seen.push(`${n}:${m.entry.code}:${m.suppressedBy ?? ''}`),
    );
    expect(seen).toEqual(['1:R2:low-level-log', '2:R1:']);
    expect(out.map((d) => d.code)).toEqual(['R1']);
  });

  it('has unique pattern ids, literals present in each regex, and regexes free of look-around (ripgrep-portable)', () => {
    const ids = allPatterns().map((p) => p.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const p of allPatterns()) {
      expect(p.regex).not.toMatch(/\(\?[=!<]/);
      expect(p.literals.length).toBeGreaterThan(0);
    }
    expect(SUPPRESSIONS.map((s) => s.id)).toContain('low-level-log');
    expect(CATALOG.map((e) => e.code)).toEqual([
      'A10',
      'A11',
      'A12',
      'R1',
      'R5',
      'R4',
      'R3',
      'L1',
      'L2',
      'L3',
      'L4',
      'R2',
    ]);
  });

  it('prefilter literals are sound: a pattern never matches a line lacking all its literals', () => {
    // Every positive in the catalog tests must contain one literal of the pattern that matched it.
    const samples = [
      'panic: x',
      'EACCES',
      'read-only file system',
      'Bad credentials',
      'retries exhausted',
      'i/o timeout',
      'mcp failed to start',
    ];
    for (const s of samples) {
      const m = getMatcher().classify(s);
      expect(m).toBeDefined();
      expect(m!.pattern.literals.some((l) => s.toLowerCase().includes(l))).toBe(true);
    }
  });

  it('accepts a custom catalog', () => {
    const custom = new Matcher(
      [{ ...CATALOG[0], code: 'X1', patterns: [{ id: 'x1', regex: 'boom\\d', literals: ['boom'] }] }],
      [],
    );
    expect(custom.matchLine('BOOM7', ctx)?.code).toBe('X1');
    expect(custom.matchLine('boom', ctx)).toBeUndefined();
  });
});

describe('code metadata', () => {
  it('describes every log and state code with a suggested action', () => {
    for (const code of ['A7', 'A8', 'A9', 'A10', 'A11', 'A12', 'R1', 'R2', 'R3', 'R4', 'R5', 'L1', 'L2', 'L3', 'L4']) {
      const info = codeInfo(code);
      expect(info?.code).toBe(code);
      expect(info?.suggestedAction.length).toBeGreaterThan(20);
    }
    expect(codeInfo('Z9')).toBeUndefined();
  });
});

describe('byte scan', () => {
  it('classifies exactly the lines the per-line matcher classifies, with the same numbers', () => {
    const { loadCorpus } = jest.requireActual<typeof import('./corpus')>('./corpus');
    const lines = loadCorpus().map((l) => l.line);
    const perLine = lines.flatMap((line, i) => {
      const m = getMatcher().classify(line);
      return m ? [`${i + 1}:${m.entry.code}:${m.suppressedBy ?? ''}`] : [];
    });
    const scanned: string[] = [];
    const result = getMatcher().scanBytes(new TextEncoder().encode(lines.join('\n')), ctx, (m, _line, n) =>
      scanned.push(`${n}:${m.entry.code}:${m.suppressedBy ?? ''}`),
    );
    expect(perLine.length).toBeGreaterThan(150);
    expect(scanned).toEqual(perLine);
    expect(result.lines).toBe(lines.length);
  });

  it('counts lines with and without a final newline, across multi-byte characters', () => {
    const m = getMatcher();
    const text = 'üñí ok\nİstanbul: connection refused\n€ fine\npanic: boom';
    const result = m.scanBytes(new TextEncoder().encode(text), { ...ctx, lineNumber: 10 });
    expect(result.detections.map((d) => [d.lineNumber, d.code, d.line])).toEqual([
      [11, 'R2', 'İstanbul: connection refused'],
      [13, 'R1', 'panic: boom'],
    ]);
    expect(result.lines).toBe(4);
    expect(m.scanBytes(new TextEncoder().encode(`${text}\n`), ctx).lines).toBe(4);
    expect(m.scanBytes(new TextEncoder().encode('ok\nfine'), ctx).lines).toBe(2);
    expect(m.scanBytes(new Uint8Array(0), ctx).lines).toBe(0);
  });
});
