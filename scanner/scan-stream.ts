// Scans a byte stream (file, stdin) chunk by chunk with the matcher's whole-text scan: only complete
// lines are scanned, a partial last line waits for the next chunk. Memory stays bounded by the chunk size.
import type { Readable } from 'node:stream';
import { StringDecoder } from 'node:string_decoder';
import type { Detection } from '../core/types';
import { getMatcher, type LineContext, type LineMatch, type Matcher } from '../core/detection';

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
  onMatch?: (m: LineMatch, line: string, lineNumber: number) => void;
}

function countNewlines(text: string): number {
  let n = 0;
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) n++;
  return n;
}

export async function scanStream(input: Readable | NodeJS.ReadableStream, opts: StreamScanOptions): Promise<StreamScanResult> {
  const matcher = opts.matcher ?? getMatcher();
  const decoder = new StringDecoder('utf8');
  let carry = '';
  let bytes = 0;
  let nextLine = opts.ctx.lineNumber ?? 1;
  let detections = 0;
  const scan = (text: string): void => {
    for (const d of matcher.scanText(text, { ...opts.ctx, lineNumber: nextLine }, opts.onMatch)) {
      detections++;
      opts.onDetection(d);
    }
  };
  for await (const chunk of input as AsyncIterable<Buffer | string>) {
    const buf = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
    bytes += buf.length;
    const text = carry + decoder.write(buf);
    const cut = text.lastIndexOf('\n');
    if (cut < 0) {
      carry = text;
      continue;
    }
    const complete = text.slice(0, cut);
    carry = text.slice(cut + 1);
    scan(complete);
    nextLine += countNewlines(complete) + 1;
  }
  const rest = carry + decoder.end();
  let lines = nextLine - 1;
  if (rest.length > 0) {
    scan(rest);
    lines++;
  }
  return { bytes, lines, detections };
}
