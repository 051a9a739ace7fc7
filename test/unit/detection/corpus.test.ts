// Precision and recall of the catalog on the labelled corpora, overall and per code:
// - test/corpus/agent-logs.tsv: our own lines. The thresholds are what the matcher honestly achieves,
//   with a little headroom; blocks written before tuning are marked in the file to keep them honest.
// - test/corpus/cto-healer.tsv: the labelled lines of the public test suite of the healer Healer
//   replaces (5dlabs/cto crates/healer), failures and false positives; precision and recall ≥ 0.95.
// The per-code table is printed after the tests.
import { CATALOG, getMatcher } from '../../../core/detection';
import { loadCorpus, type LabelledLine } from './corpus';

interface Scored extends LabelledLine {
  got: string | undefined;
  patternId: string | undefined;
}

const matcher = getMatcher();
const classified = (lines: LabelledLine[]): Scored[] =>
  lines.map((c) => {
    const m = matcher.classify(c.line);
    return { ...c, got: m && !m.suppressedBy ? m.entry.code : undefined, patternId: m?.pattern.id };
  });

const ours = classified(loadCorpus('agent-logs.tsv'));
const field = classified(loadCorpus('cto-healer.tsv'));

/** Counts for one code, or for all codes when `code` is absent (a wrong code is a miss and a false alarm). */
function score(rows: Scored[], code?: string) {
  let tp = 0;
  let fp = 0;
  let fn = 0;
  for (const r of rows) {
    const expected = code === undefined || r.expected === code ? r.expected : undefined;
    const got = code === undefined || r.got === code ? r.got : undefined;
    if (got && got === expected) tp++;
    else {
      if (got) fp++;
      if (expected) fn++;
    }
  }
  return { tp, fp, fn, precision: tp + fp ? tp / (tp + fp) : 1, recall: tp + fn ? tp / (tp + fn) : 1 };
}

function report(name: string, rows: Scored[]): string {
  const fmt = (n: number) => n.toFixed(3);
  const codes = CATALOG.map((e) => e.code).filter((c) => rows.some((r) => r.expected === c || r.got === c));
  const lines = [...codes, undefined].map((code) => {
    const s = score(rows, code);
    const label = (code ?? 'all').padEnd(4);
    return `  ${label} precision ${fmt(s.precision)}  recall ${fmt(s.recall)}  (tp ${s.tp}, fp ${s.fp}, fn ${s.fn})`;
  });
  const traps = rows.filter((r) => r.expected === undefined);
  const fired = traps.filter((r) => r.got).length;
  return [`${name}: ${rows.length} lines, ${traps.length} traps (${fired} fired)`, ...lines].join('\n');
}

afterAll(() => {
  process.stdout.write(`\n${report('agent-logs.tsv', ours)}\n${report('cto-healer.tsv', field)}\n`);
});

describe('detection corpus (ours: agent-logs.tsv)', () => {
  it('has at least 300 labelled lines with positives for every code and plenty of traps', () => {
    expect(ours.length).toBeGreaterThanOrEqual(300);
    for (const entry of CATALOG) {
      expect(ours.filter((c) => c.expected === entry.code).length).toBeGreaterThanOrEqual(8);
    }
    expect(ours.filter((c) => c.expected === undefined).length).toBeGreaterThanOrEqual(100);
  });

  it('reaches precision >= 0.98 and recall >= 0.97 overall', () => {
    const s = score(ours);
    expect(s.precision).toBeGreaterThanOrEqual(0.98);
    expect(s.recall).toBeGreaterThanOrEqual(0.97);
  });

  it.each(CATALOG.map((e) => e.code))('recall for %s is at least 0.9', (code) => {
    expect(score(ours, code).recall).toBeGreaterThanOrEqual(0.9);
  });

  it('lets no more than one trap fire', () => {
    const firing = ours.filter((r) => r.expected === undefined && r.got);
    expect(firing.length).toBeLessThanOrEqual(1);
  });
});

describe('detection corpus (the field healer: cto-healer.tsv)', () => {
  it('holds its pre-flight, runtime and generic failures and its false positives', () => {
    for (const code of ['A10', 'A11', 'A12', 'R1', 'R2', 'G1']) {
      expect(field.filter((c) => c.expected === code).length).toBeGreaterThanOrEqual(5);
    }
    expect(field.filter((c) => c.expected === undefined).length).toBeGreaterThanOrEqual(50);
  });

  it('reaches precision >= 0.95 and recall >= 0.95 overall', () => {
    const s = score(field);
    expect(s.precision).toBeGreaterThanOrEqual(0.95);
    expect(s.recall).toBeGreaterThanOrEqual(0.95);
  });

  it.each(['A10', 'A11', 'A12', 'R2', 'G1'])('precision and recall for %s are at least 0.9', (code) => {
    const s = score(field, code);
    expect(s.precision).toBeGreaterThanOrEqual(0.9);
    expect(s.recall).toBeGreaterThanOrEqual(0.9);
  });
});

it('exercises every pattern of the catalog at least once over both corpora', () => {
  const used = new Set([...ours, ...field].filter((r) => r.got).map((r) => r.patternId));
  const unused = CATALOG.flatMap((e) => e.patterns.map((p) => p.id)).filter((id) => !used.has(id));
  expect(unused).toEqual([]);
});
