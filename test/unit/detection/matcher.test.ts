import {
  getMatcher,
  matchLine,
  matchLines,
  Matcher,
  CATALOG,
  STATE_CATALOG,
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
      'G1',
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

  it('prefilter literals are sound over both corpora: every line a pattern matches holds one of its literals', () => {
    const { loadCorpus } = jest.requireActual<typeof import('./corpus')>('./corpus');
    const lines = [...loadCorpus('agent-logs.tsv'), ...loadCorpus('cto-healer.tsv')].map((l) => l.line);
    for (const p of allPatterns()) {
      const regex = new RegExp(p.regex, 'i');
      for (const line of lines.filter((l) => regex.test(l)))
        expect([p.id, p.literals.some((l) => line.toLowerCase().includes(l))]).toEqual([p.id, true]);
    }
  });

  it("covers the Healer skill's lifecycle patterns with no distance cap between their words", () => {
    const gap = ` (${'detail '.repeat(60)}) `; // ~430 characters, past any old {0,N} cap
    expect(matchLine(`ERROR prompt${gap}missing`, ctx)?.code).toBe('L2');
    expect(matchLine(`ERROR role${gap}undefined`, ctx)?.code).toBe('L3');
    expect(matchLine(`ERROR task context${gap}empty`, ctx)?.code).toBe('L4');
    expect(matchLine(`ERROR template${gap}not found`, ctx)?.code).toBe('L1');
    expect(matchLine(`ERROR failed to load${gap}template`, ctx)?.code).toBe('L1');
    expect(matchLine('level=error msg="timeout"', ctx)?.code).toBe('R2');
  });

  it('reports error-level lines no specific code claims as the generic G1, after every specific code', () => {
    const generic = [
      'E1201 16:37:23.081234       1 reconciler.go:88] sync failed',
      'level=error msg="sync failed"',
      '{"level":"fatal","msg":"exiting"}',
      '[ERROR] build failed',
      'ERROR: build failed',
      '2026-12-01T16:37:23Z ERROR build failed',
    ];
    for (const line of generic) expect([line, matchLine(line, ctx)?.code]).toEqual([line, 'G1']);
    const d = matchLine('[ERROR] build failed', ctx);
    expect(d).toMatchObject({ severity: 'low', priority: 'P3' });
    expect(matchLine('[ERROR] connection refused', ctx)?.code).toBe('R2');
    expect(matchLine('level=info msg="no error"', ctx)).toBeUndefined();
    expect(matchLine('level=warn msg="error sending batch, will retry"', ctx)).toBeUndefined();
  });

  it('keeps diff lines, test assertions, TODO notes, stack frames and retries out', () => {
    for (const line of [
      '+    return Err(anyhow!("connection refused"));',
      '    assert!(out.contains("panicked at"));',
      'expect(err.message).toContain("timeout");',
      '// TODO: handle timeout',
      'WARN TODO: retry when the tools-server is unreachable',
      '2026-12-01T16:37:23Z ERROR     at Socket.timeout (/app/src/db.js:12:7)',
      'level=error msg="request failed. Retrying in next tick"',
    ])
      expect([line, matchLine(line, ctx)?.code]).toEqual([line, undefined]);
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
    for (const code of [...CATALOG, ...STATE_CATALOG].map((e) => e.code)) {
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
