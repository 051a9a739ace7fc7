// Precision and recall of the catalog on the labelled corpus (test/corpus/agent-logs.tsv).
// The thresholds are what the matcher honestly achieves, with a little headroom; the last block of the
// corpus was written after tuning (see the comment in the file) to keep the numbers honest.
import { CATALOG, getMatcher } from '../../../core/detection';
import { loadCorpus } from './corpus';

const corpus = loadCorpus();
const matcher = getMatcher();
const results = corpus.map((c) => {
  const m = matcher.classify(c.line);
  return { ...c, got: m && !m.suppressedBy ? m.entry.code : undefined, patternId: m?.pattern.id };
});

function score(rows: typeof results) {
  let tp = 0;
  let fp = 0;
  let fn = 0;
  for (const r of rows) {
    if (r.got && r.got === r.expected) tp++;
    else {
      if (r.got) fp++;
      if (r.expected) fn++;
    }
  }
  return { tp, fp, fn, precision: tp / (tp + fp), recall: tp / (tp + fn) };
}

describe('detection corpus', () => {
  it('has at least 300 labelled lines with positives for every code and plenty of traps', () => {
    expect(corpus.length).toBeGreaterThanOrEqual(300);
    for (const entry of CATALOG) {
      expect(corpus.filter((c) => c.expected === entry.code).length).toBeGreaterThanOrEqual(8);
    }
    expect(corpus.filter((c) => c.expected === undefined).length).toBeGreaterThanOrEqual(100);
  });

  it('reaches precision >= 0.98 and recall >= 0.97 overall', () => {
    const s = score(results);
    expect(s.precision).toBeGreaterThanOrEqual(0.98);
    expect(s.recall).toBeGreaterThanOrEqual(0.97);
  });

  it.each(CATALOG.map((e) => e.code))('recall for %s is at least 0.9', (code) => {
    const rows = results.filter((r) => r.expected === code);
    const hits = rows.filter((r) => r.got === code).length;
    expect(hits / rows.length).toBeGreaterThanOrEqual(0.9);
  });

  it('lets no more than one trap fire', () => {
    const firing = results.filter((r) => r.expected === undefined && r.got);
    expect(firing.length).toBeLessThanOrEqual(1);
  });

  it('exercises every pattern of the catalog at least once', () => {
    const used = new Set(results.filter((r) => r.got).map((r) => r.patternId));
    const unused = CATALOG.flatMap((e) => e.patterns.map((p) => p.id)).filter((id) => !used.has(id));
    expect(unused).toEqual([]);
  });
});
