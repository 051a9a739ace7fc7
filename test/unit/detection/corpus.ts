// Loads a labelled corpus from test/corpus/: `<code or ->\t<line>` per line, `#` comments.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

export interface LabelledLine {
  expected: string | undefined;
  line: string;
  lineNumber: number;
}

/** `name` is a file in test/corpus/ (default: our own agent-logs.tsv). */
export function loadCorpus(name = 'agent-logs.tsv'): LabelledLine[] {
  const text = readFileSync(join(__dirname, '../../corpus', name), 'utf8');
  const out: LabelledLine[] = [];
  text.split('\n').forEach((raw, i) => {
    if (!raw.trim() || raw.startsWith('#')) return;
    const tab = raw.indexOf('\t');
    if (tab < 0) throw new Error(`${name} line ${i + 1} has no tab`);
    const label = raw.slice(0, tab);
    out.push({ expected: label === '-' ? undefined : label, line: raw.slice(tab + 1), lineNumber: i + 1 });
  });
  return out;
}
