// `healer scan FILE|-`: offline scan of a log file or stdin with the detection catalog.
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import type { Detection } from '../core/contract';
import { catalogEntry } from '../core/detection/catalog';
import { scanStream } from '../scanner/scan-stream';
import type { CliIo } from './io';
import { main } from './main';
import { formatTable } from './table';

export interface ScanOptions {
  json?: boolean;
  /** Agent and task the log belongs to (part of each fingerprint). */
  agent?: string;
  task?: string;
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
  return formatTable(
    ['LINE', 'CODE', 'SEVERITY', 'PRIO', 'PATTERN', 'TEXT'],
    rows.map((d) => [String(d.lineNumber ?? ''), d.code, d.severity, d.priority, d.patternId, truncate(d.line, 100)]),
  );
}

function summary(rows: Detection[], lines: number): string {
  const byCode = new Map<string, number>();
  for (const d of rows) byCode.set(d.code, (byCode.get(d.code) ?? 0) + 1);
  const unique = new Set(rows.map((d) => d.fingerprint)).size;
  const codes = [...byCode].map(([c, n]) => `${c}×${n}`).join(', ');
  return `${rows.length} detection(s), ${unique} distinct, in ${lines} line(s)${codes ? `: ${codes}` : ''}`;
}

/** Scans `target` (a path, or "-" for stdin). Exit code: 0 nothing found, 1 detections found, 2 error. */
export async function scanLog(target: string, options: ScanOptions, io: CliIo): Promise<number> {
  const json = options.json ?? false;
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
      ctx: { source: 'file', observedAt: new Date().toISOString(), agent: options.agent, taskId: options.task },
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

/** `healer scan ARGV` as a function (tests call it): parsed by the program, like the command line. */
export const runScanCommand = (argv: string[], io: CliIo): Promise<number> => main(['scan', ...argv], io);
