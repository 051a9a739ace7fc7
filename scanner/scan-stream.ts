// Scans a byte stream (file, stdin) chunk by chunk with the matcher's byte scan: only complete lines
// are scanned, a partial last line waits for the next chunk. Memory stays bounded by the chunk size
// (plus the longest line).
import type { Readable } from 'node:stream';
import type { Detection } from '../core/contract';
// The matcher module itself, not the core/detection index: `healer scan` then loads no Temporal code.
import { getMatcher, type LineContext, type Matcher, type OnLineMatch } from '../core/detection/matcher';

export interface StreamScanResult {
  bytes: number;
  lines: number;
  detections: number;
}

export interface StreamScanOptions {
  ctx: LineContext;
  matcher?: Matcher;
  onDetection: (d: Detection) => void;
  /** Sees every pattern match, suppressed ones included (benchmark comparison with ripgrep). */
  onMatch?: OnLineMatch;
}

const NEWLINE = 10;

export async function scanStream(
  input: Readable | NodeJS.ReadableStream,
  opts: StreamScanOptions,
): Promise<StreamScanResult> {
  const matcher = opts.matcher ?? getMatcher();
  let carry: Buffer = Buffer.alloc(0);
  let bytes = 0;
  let lines = 0;
  let detections = 0;
  const firstLine = opts.ctx.lineNumber ?? 1;
  const scan = (complete: Buffer): void => {
    const result = matcher.scanBytes(complete, { ...opts.ctx, lineNumber: firstLine + lines }, opts.onMatch);
    lines += result.lines;
    for (const d of result.detections) {
      detections++;
      opts.onDetection(d);
    }
  };
  for await (const chunk of input as AsyncIterable<Buffer | string>) {
    let rest = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
    bytes += rest.length;
    if (carry.length > 0) {
      // Finish the line carried over from the last chunk without copying the whole new chunk.
      const firstEnd = rest.indexOf(NEWLINE);
      if (firstEnd < 0) {
        carry = Buffer.concat([carry, rest]);
        continue;
      }
      scan(Buffer.concat([carry, rest.subarray(0, firstEnd + 1)]));
      carry = Buffer.alloc(0);
      rest = rest.subarray(firstEnd + 1);
    }
    const cut = rest.lastIndexOf(NEWLINE);
    if (cut >= 0) scan(rest.subarray(0, cut + 1));
    carry = Buffer.from(rest.subarray(cut + 1)); // a copy, so the chunk itself can be freed
  }
  if (carry.length > 0) scan(carry);
  return { bytes, lines, detections };
}
