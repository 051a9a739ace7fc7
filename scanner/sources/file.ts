// File source with `tail -F` semantics: follows the file by name, survives rotation (rename + new file,
// or truncation) and a missing file (waits for it). Resumable: positions are
// `<generation>:<end offset>:<line number>:<inode>`; a restart on the same inode continues at the offset,
// a different inode or a shorter file starts a new generation from the top.
// Also `stdinSource` for `-` (not resumable: stdin cannot be re-read).
import { open, stat, type FileHandle } from 'node:fs/promises';
import { createInterface } from 'node:readline';
import type { Labels, LineRecord, Source, SourceContext } from '../types';
import { pad } from '../types';
import { sleep } from './queue';

export interface FileSourceOptions {
  path: string;
  labels?: Labels;
  /** How often the file is checked for new data and rotation (default 100 ms). */
  pollMs?: number;
  /** Without a cursor: start at the end of the file (default false: read it whole). */
  startAtEnd?: boolean;
  now?: () => Date;
}

interface FilePosition {
  generation: number;
  offset: number;
  line: number;
  inode: number;
}

const encode = (p: FilePosition): string =>
  `${pad(p.generation, 6)}:${pad(p.offset, 15)}:${pad(p.line, 12)}:${p.inode}`;
function decode(s: string): FilePosition {
  const [g, o, l, i] = s.split(':').map(Number);
  return { generation: g, offset: o, line: l, inode: i };
}

export function fileSource(opts: FileSourceOptions): Source {
  const stream = `file:${opts.path}`;
  const pollMs = opts.pollMs ?? 100;
  const now = opts.now ?? (() => new Date());
  return {
    name: stream,
    async *records(ctx: SourceContext): AsyncIterable<LineRecord> {
      const saved = ctx.cursor(stream);
      let pos: FilePosition | undefined = saved ? decode(saved) : undefined;
      let handle: FileHandle | undefined;
      let carry = Buffer.alloc(0);
      const buf = Buffer.alloc(1 << 16);
      try {
        while (!ctx.signal.aborted) {
          if (!handle) {
            const opened = await open(opts.path, 'r').catch(() => undefined);
            if (!opened) {
              await sleep(pollMs, ctx.signal);
              continue;
            }
            handle = opened;
            const info = await handle.stat();
            if (pos && pos.inode === info.ino && info.size >= pos.offset) {
              // Same file as the cursor: continue where we were.
            } else if (pos) {
              ctx.log(`${opts.path}: rotated or truncated since the cursor; reading the new file from the start`);
              pos = { generation: pos.generation + 1, offset: 0, line: 0, inode: info.ino };
            } else {
              pos = { generation: 0, offset: opts.startAtEnd ? info.size : 0, line: 0, inode: info.ino };
            }
            carry = Buffer.alloc(0);
          }
          const cur: FilePosition = pos!;
          const { bytesRead } = await handle.read(buf, 0, buf.length, cur.offset + carry.length);
          if (bytesRead > 0) {
            const data = carry.length
              ? Buffer.concat([carry, buf.subarray(0, bytesRead)])
              : Buffer.from(buf.subarray(0, bytesRead));
            let start = 0;
            for (let nl = data.indexOf(10); nl >= 0; nl = data.indexOf(10, start)) {
              const end = nl > start && data[nl - 1] === 13 ? nl - 1 : nl;
              cur.offset += nl + 1 - start;
              cur.line += 1;
              yield {
                kind: 'line',
                stream,
                position: encode(cur),
                line: data.toString('utf8', start, end),
                labels: opts.labels ?? {},
                observedAt: now().toISOString(),
                lineNumber: cur.line,
              };
              start = nl + 1;
            }
            carry = data.subarray(start);
            continue; // more data may be waiting
          }
          // At the end: has the name been rotated to a new file, or the file truncated?
          const byName = await stat(opts.path).catch(() => undefined);
          const mine = await handle.stat();
          if (byName && byName.ino !== mine.ino && mine.size > cur.offset + carry.length) {
            continue; // the old file grew after our last read: drain it before switching
          }
          if (byName && (byName.ino !== mine.ino || byName.size < cur.offset)) {
            if (carry.length && byName.ino !== mine.ino) {
              // The old file ended without a newline: its last line is complete now.
              cur.offset += carry.length;
              cur.line += 1;
              yield {
                kind: 'line',
                stream,
                position: encode(cur),
                line: carry.toString('utf8'),
                labels: opts.labels ?? {},
                observedAt: now().toISOString(),
                lineNumber: cur.line,
              };
            }
            await handle.close();
            handle = undefined;
            pos = { generation: cur.generation + 1, offset: 0, line: 0, inode: byName.ino };
            continue;
          }
          await sleep(pollMs, ctx.signal);
        }
      } finally {
        await handle?.close();
      }
    },
  };
}

/** Lines from stdin (or any readable); positions are line numbers, not resumable. */
export function stdinSource(
  input: NodeJS.ReadableStream,
  labels: Labels = {},
  now: () => Date = () => new Date(),
): Source {
  const stream = 'file:-';
  return {
    name: stream,
    async *records(ctx: SourceContext): AsyncIterable<LineRecord> {
      let n = 0;
      const rl = createInterface({ input, crlfDelay: Infinity });
      ctx.signal.addEventListener('abort', () => rl.close(), { once: true });
      for await (const line of rl) {
        n++;
        yield {
          kind: 'line',
          stream,
          position: pad(n, 12),
          line,
          labels,
          observedAt: now().toISOString(),
          lineNumber: n,
        };
      }
    },
  };
}
