import { Readable } from 'node:stream';
import type { CliIo } from '../../cli/io';

/** Captures what a CLI command writes. */
export function captureIo(stdinText = ''): CliIo & { out: () => string; err: () => string } {
  let out = '';
  let err = '';
  return {
    stdin: Readable.from([stdinText]),
    stdout: { write: (t: string) => (out += t) },
    stderr: { write: (t: string) => (err += t) },
    out: () => out,
    err: () => err,
  };
}
