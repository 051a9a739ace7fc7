// `healer scan FILE|-`: offline scan of a log file or stdin with the detection catalog.
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import type { Detection } from '../core/contract';
import { catalogEntry } from '../core/detection';
import { scanStream } from '../scanner/scan-stream';
import type { CliIo } from './io';

export const SCAN_HELP = `Usage: healer scan FILE|- [--json] [--agent NAME] [--task ID]

Scans a log file (or stdin with "-") for the failures of the detection catalog
(A10-A12 pre-flight, R1-R5 runtime, L1-L4 lifecycle) and prints what it found.

Options
  --json         one JSON object per detection (code, severity, priority, line_number,
                 pattern, fingerprint, line, title)
  --agent NAME   agent the log belongs to (part of the fingerprint)
  --task ID      task id the log belongs to (part of the fingerprint)
  -h, --help     this help

Exit status: 0 nothing found, 1 detections found, 2 error.`;

interface ScanArgs {
  target: string;
  json: boolean;
  agent?: string;
  task?: string;
}

function parseArgs(argv: string[]): ScanArgs | 'help' {
  let target: string | undefined;
  let json = false;
  let agent: string | undefined;
  let task: string | undefined;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const value = (): string => {
      const v = argv[++i];
      if (v === undefined) throw new Error(`${arg} needs a value`);
      return v;
    };
    if (arg === '--help' || arg === '-h') return 'help';
    else if (arg === '--json') json = true;
    else if (arg === '--agent') agent = value();
    else if (arg === '--task') task = value();
    else if (arg.startsWith('--agent=')) agent = arg.slice(8);
    else if (arg.startsWith('--task=')) task = arg.slice(7);
    else if (arg !== '-' && arg.startsWith('-')) throw new Error(`unknown option ${arg}`);
    else if (target !== undefined) throw new Error(`only one FILE may be given (got ${target} and ${arg})`);
    else target = arg;
  }
  if (target === undefined) throw new Error('missing FILE (use - for stdin)');
  return { target, json, agent, task };
}

const truncate = (s: string, n: number): string => (s.length > n ? `${s.slice(0, n - 1)}…` : s);

function toJson(d: Detection): string {
  return JSON.stringify({
    code: d.code,
    severity: d.severity,
    priority: d.priority,
    line_number: d.lineNumber,
    pattern: d.patternId,
    fingerprint: d.fingerprint,
    line: d.line,
    title: catalogEntry(d.code)?.title,
  });
}

function table(rows: Detection[]): string {
  const header = ['LINE', 'CODE', 'SEVERITY', 'PRIO', 'PATTERN', 'TEXT'];
  const cells = rows.map((d) => [
    String(d.lineNumber ?? ''),
    d.code,
    d.severity,
    d.priority,
    d.patternId,
    truncate(d.line, 100),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...cells.map((c) => (i === 5 ? 0 : c[i].length))));
  const fmt = (c: string[]): string => c.map((v, i) => (i === 5 ? v : v.padEnd(widths[i]))).join('  ');
  return [fmt(header), ...cells.map(fmt)].join('\n');
}

function summary(rows: Detection[], lines: number): string {
  const byCode = new Map<string, number>();
  for (const d of rows) byCode.set(d.code, (byCode.get(d.code) ?? 0) + 1);
  const unique = new Set(rows.map((d) => d.fingerprint)).size;
  const codes = [...byCode].map(([c, n]) => `${c}×${n}`).join(', ');
  return `${rows.length} detection(s), ${unique} distinct, in ${lines} line(s)${codes ? `: ${codes}` : ''}`;
}

export async function runScanCommand(argv: string[], io: CliIo): Promise<number> {
  let args: ScanArgs | 'help';
  try {
    args = parseArgs(argv);
  } catch (error) {
    io.stderr.write(`healer scan: ${(error as Error).message}\n${SCAN_HELP}\n`);
    return 2;
  }
  if (args === 'help') {
    io.stdout.write(`${SCAN_HELP}\n`);
    return 0;
  }
  const { target, json } = args;
  try {
    let input: NodeJS.ReadableStream;
    if (target === '-') input = io.stdin;
    else {
      const info = await stat(target);
      if (info.isDirectory()) throw new Error(`${target} is a directory`);
      input = createReadStream(target, { highWaterMark: 1 << 20 });
    }
    const found: Detection[] = [];
    const result = await scanStream(input, {
      ctx: { source: 'file', observedAt: new Date().toISOString(), agent: args.agent, taskId: args.task },
      onDetection: (d) => {
        if (json) io.stdout.write(`${toJson(d)}\n`);
        else found.push(d);
      },
    });
    if (!json) {
      if (found.length) io.stdout.write(`${table(found)}\n\n`);
      io.stdout.write(`${summary(found, result.lines)}\n`);
    }
    return result.detections > 0 ? 1 : 0;
  } catch (error) {
    const e = error as NodeJS.ErrnoException;
    const message =
      e.code === 'ENOENT'
        ? `${target}: no such file`
        : e.code === 'EACCES'
          ? `${target}: permission denied`
          : e.message;
    io.stderr.write(`healer scan: ${message}\n`);
    return 2;
  }
}
