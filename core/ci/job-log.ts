// GitHub Actions job logs as text: one line per output line, each prefixed with an ISO timestamp, with
// workflow commands (`##[group]Run …`, `##[error]…`) and ANSI colours. These helpers turn a downloaded
// log into plain lines and find the part of it that failed.

const BOM = '\ufeff';
const TIMESTAMP = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?Z ?/;
// CSI sequences (colours, cursor moves) and the two-byte escapes some tools print.
// eslint-disable-next-line no-control-regex
const ANSI = /\u001b\[[0-9;?]*[ -/]*[@-~]|\u001b[@-_]/g;

/** Plain lines of a job log: no byte-order mark, timestamps or colours; `\r\n` and `\r` split like `\n`. */
export function jobLogLines(text: string): string[] {
  const body = text.startsWith(BOM) ? text.slice(1) : text;
  const lines = body.split(/\r\n|\r|\n/);
  if (lines.length > 0 && lines[lines.length - 1] === '') lines.pop();
  return lines.map((line) => line.replace(TIMESTAMP, '').replace(ANSI, ''));
}

export const isErrorMarker = (line: string): boolean => line.startsWith('##[error]');

/**
 * Whether each line is the runner echoing a step's own definition (the `##[group]Run …` block: the
 * script, its `with:` inputs and `env:`), which quotes error words without anything having failed.
 */
export function echoedStepLines(lines: readonly string[]): boolean[] {
  const echoed = new Array<boolean>(lines.length).fill(false);
  let inRunGroup = false;
  lines.forEach((line, index) => {
    if (line.startsWith('##[group]')) inRunGroup = line.startsWith('##[group]Run ');
    const marker = line.startsWith('##[group]') || line.startsWith('##[endgroup]') || line.startsWith('[command]');
    echoed[index] = inRunGroup || marker;
    if (line.startsWith('##[endgroup]')) inRunGroup = false;
  });
  return echoed;
}

/**
 * The lines of the step that failed: from the last `##[group]Run` header before the first `##[error]`
 * marker up to that marker. GitHub does not name steps in the log, but a failing step is the one whose
 * output the first error marker closes. Without a marker: the whole log.
 */
export function failedSection(lines: readonly string[]): { start: number; end: number } {
  const firstError = lines.findIndex(isErrorMarker);
  if (firstError < 0) return { start: 0, end: lines.length };
  let start = 0;
  for (let i = firstError - 1; i >= 0; i--) {
    if (lines[i].startsWith('##[group]Run ')) {
      start = i;
      break;
    }
  }
  return { start, end: firstError + 1 };
}

/** The exit code of `##[error]Process completed with exit code N.`, if the log has one. */
export function exitCodeOf(lines: readonly string[]): number | undefined {
  for (const line of lines) {
    const match = /^##\[error\]Process completed with exit code (\d+)/.exec(line);
    if (match) return Number(match[1]);
  }
  return undefined;
}

/** Lines around `index` (the decisive line), bounded: what a person or a model reads first. */
export function logWindow(lines: readonly string[], index: number, before = 40, after = 15): string[] {
  const from = Math.max(0, index - before);
  return lines.slice(from, Math.min(lines.length, index + after + 1));
}
