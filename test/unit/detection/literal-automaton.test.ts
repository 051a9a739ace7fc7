import { LiteralAutomaton } from '../../../core/detection/literal-automaton';
import { hitFinderModule } from '../../../core/detection/hit-finder-wasm';
import { allPatterns } from '../../../core/detection';

const bytes = (s: string): Uint8Array => new TextEncoder().encode(s);

/** The lines holding a literal, as [line index, line text], and the line count. */
function hitLines(a: LiteralAutomaton, text: string): { hits: [number, string][]; lines: number } {
  const b = bytes(text);
  const hits: [number, string][] = [];
  const lines = a.forEachLineWithLiteral(b, (start, end, index) =>
    hits.push([index, new TextDecoder().decode(b.subarray(start, end))]),
  );
  return { hits, lines };
}

describe('literal automaton', () => {
  it('compiles to a valid WebAssembly module', () => {
    expect(WebAssembly.validate(hitFinderModule())).toBe(true);
  });

  it('finds the lines holding a literal, ignoring ASCII case', () => {
    const a = new LiteralAutomaton(['panic', 'Refused', '401']);
    expect(hitLines(a, 'xx PANIC yy\nconnection refused\nstatus=401\n40 1 pani c\nnothing to see')).toEqual({
      hits: [
        [0, 'xx PANIC yy'],
        [1, 'connection refused'],
        [2, 'status=401'],
      ],
      lines: 5,
    });
  });

  it('follows failure links when one literal starts inside a partial match of another', () => {
    // "timed out" begins inside the partial "timeout e…"; "eacces" inside "eaeacces".
    const a = new LiteralAutomaton(['timeout error', 'timed out', 'eacces']);
    expect(hitLines(a, 'timeout etimed out\neaeacces\ntimeout erro').hits.map(([i]) => i)).toEqual([0, 1]);
  });

  it('never matches across a line end and counts lines with or without a final newline', () => {
    const a = new LiteralAutomaton(['broken pipe']);
    expect(hitLines(a, 'a\nbroken\npipe\nb\n')).toEqual({ hits: [], lines: 4 });
    expect(hitLines(a, 'a\r\nb\nwrite: broken pipe')).toEqual({ hits: [[2, 'write: broken pipe']], lines: 3 });
    expect(hitLines(a, 'broken pipe\n')).toEqual({ hits: [[0, 'broken pipe']], lines: 1 });
    expect(hitLines(a, '')).toEqual({ hits: [], lines: 0 });
    expect(hitLines(a, '\n\n')).toEqual({ hits: [], lines: 2 });
  });

  it('leaves non-ASCII bytes out of every literal', () => {
    const a = new LiteralAutomaton(['kelvin', 'eacces']);
    // U+212A KELVIN SIGN folds to "k" only under Unicode case folding; byte-wise it is three bytes.
    expect(hitLines(a, '\u212Aelvin\né EACCES ü').hits).toEqual([[1, 'é EACCES ü']]);
    expect(() => new LiteralAutomaton(['naïve'])).toThrow(/non-ASCII/);
  });

  it('handles input larger than one window and lines longer than a window', () => {
    const a = new LiteralAutomaton(['panic']);
    const filler = 'x'.repeat(99) + '\n';
    const long = `${'y'.repeat(1.5 * (1 << 20))} panic`;
    const text = `${filler.repeat(15000)}panic: one\n${filler.repeat(15000)}${long}\n${filler}panic: last`;
    const { hits, lines } = hitLines(a, text);
    expect(hits.map(([i, line]) => [i, line.slice(-11)])).toEqual([
      [15000, 'panic: one'],
      [30001, 'yyyyy panic'],
      [30003, 'panic: last'],
    ]);
    expect(lines).toBe(30004);
  });

  it('agrees with a brute-force search over the catalog literals on generated lines', () => {
    const literals = [...new Set(allPatterns().flatMap((p) => p.literals.map((l) => l.toLowerCase())))];
    const a = new LiteralAutomaton(literals);
    // Fragments of literals and filler, so lines hold near misses as well as hits.
    const pieces = [
      ...literals.map((l) => l.slice(0, Math.ceil(l.length / 2))),
      ...literals.map((l) => l.slice(1)),
      ...literals,
      ' ',
      'ok ',
      'INFO ',
      '=',
      '4',
      '0',
    ];
    let seed = 7;
    const next = (n: number): number => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return seed % n;
    };
    const lines = Array.from({ length: 3000 }, () =>
      Array.from({ length: 1 + next(4) }, () => pieces[next(pieces.length)])
        .map((p) => (next(3) === 0 ? p.toUpperCase() : p))
        .join(''),
    );
    const expected = lines.flatMap((line, i) => (literals.some((l) => line.toLowerCase().includes(l)) ? [i] : []));
    const { hits, lines: count } = hitLines(a, lines.join('\n'));
    expect(hits.map(([i]) => i)).toEqual(expected);
    expect(count).toBe(lines.length);
    // Both outcomes are well represented.
    expect(expected.length).toBeGreaterThan(300);
    expect(expected.length).toBeLessThan(2700);
    // Within one line, it names exactly the literals a brute-force search finds.
    for (const line of lines) {
      const found = new Set<string>();
      a.forEachLiteral(line, (word) => found.add(a.words[word]));
      expect([line, [...found].sort()]).toEqual([line, literals.filter((l) => line.toLowerCase().includes(l)).sort()]);
    }
  });

  it('names every literal occurrence in a line: overlapping ones, ones ending inside others, any ASCII case', () => {
    const a = new LiteralAutomaton(['timeout', 'i/o timeout', 'out', 'Refused']);
    const found: string[] = [];
    a.forEachLiteral('I/O TIMEOUT; connection refused; façade out', (word) => found.push(a.words[word]));
    expect(found.sort()).toEqual(['i/o timeout', 'out', 'out', 'refused', 'timeout']);
    a.forEachLiteral('\u212Aelvin ü nothing here', (word) => found.push(a.words[word]));
    expect(found).toHaveLength(5);
  });
});
