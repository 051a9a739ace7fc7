import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { runScanCommand } from '../../../cli/scan';

function io(stdinText = '') {
  const out: string[] = [];
  const err: string[] = [];
  return {
    io: {
      stdin: Readable.from([Buffer.from(stdinText)]),
      stdout: { write: (t: string) => out.push(t) },
      stderr: { write: (t: string) => err.push(t) },
    },
    out: () => out.join(''),
    err: () => err.join(''),
  };
}

const dir = mkdtempSync(join(tmpdir(), 'healer-scan-'));
const logWithFailures = join(dir, 'agent.log');
writeFileSync(
  logWithFailures,
  [
    '2026-11-22T04:00:00Z INFO agent rex started',
    "thread 'main' panicked at src/x.rs:10:5:",
    'INFO retry policy: on "connection refused" wait 2s',
    'Error: connect ECONNREFUSED 127.0.0.1:5432',
    "Error: EACCES: permission denied, open '/workspace/x'",
    'fatal: Authentication failed for https://rex:ghp_abcdefghijklmnopqrstuvwxyz0123456789@github.com/x.git',
  ].join('\n'),
);
const cleanLog = join(dir, 'clean.log');
writeFileSync(cleanLog, 'INFO all good\nFound 0 errors.\n');

describe('healer scan', () => {
  it('--json prints one object per detection and exits 1', async () => {
    const t = io();
    expect(await runScanCommand([logWithFailures, '--json'], t.io)).toBe(1);
    const rows = t
      .out()
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(rows.map((r) => [r.line_number, r.code])).toEqual([
      [2, 'R1'],
      [4, 'R2'],
      [5, 'R4'],
      [6, 'R5'],
    ]);
    for (const r of rows) {
      expect(Object.keys(r)).toEqual(
        expect.arrayContaining(['code', 'severity', 'priority', 'line_number', 'pattern', 'fingerprint', 'line']),
      );
      expect(r.fingerprint).toMatch(/^[0-9a-f]{16}$/);
    }
    expect(rows[3].line).not.toContain('ghp_');
    expect(rows[0]).toMatchObject({ severity: 'critical', priority: 'P2', pattern: 'r1-rust-panic' });
  });

  it('prints a table with a summary by default', async () => {
    const t = io();
    expect(await runScanCommand([logWithFailures], t.io)).toBe(1);
    const text = t.out();
    expect(text.split('\n')[0]).toMatch(/^LINE\s+CODE\s+SEVERITY\s+PRIO\s+PATTERN\s+TEXT$/);
    expect(text).toContain('r2-connection-refused');
    expect(text).toContain('4 detection(s), 4 distinct, in 6 line(s): R1×1, R2×1, R4×1, R5×1');
  });

  it('exits 0 with nothing found', async () => {
    const t = io();
    expect(await runScanCommand([cleanLog], t.io)).toBe(0);
    expect(t.out()).toContain('0 detection(s)');
  });

  it('reads stdin with "-" and uses agent/task in fingerprints', async () => {
    const a = io('panic: boom\n');
    const b = io('panic: boom\n');
    expect(await runScanCommand(['-', '--json', '--agent', 'rex', '--task', '1'], a.io)).toBe(1);
    expect(await runScanCommand(['-', '--json', '--agent=blaze'], b.io)).toBe(1);
    expect(JSON.parse(a.out()).line_number).toBe(1);
    expect(JSON.parse(a.out()).fingerprint).not.toBe(JSON.parse(b.out()).fingerprint);
  });

  it('exits 2 on errors and bad usage', async () => {
    const missing = io();
    expect(await runScanCommand([join(dir, 'nope.log')], missing.io)).toBe(2);
    expect(missing.err()).toContain('no such file');
    const noArgs = io();
    expect(await runScanCommand([], noArgs.io)).toBe(2);
    expect(noArgs.err()).toContain("missing required argument 'file'");
    const badOpt = io();
    expect(await runScanCommand(['x', '--bogus'], badOpt.io)).toBe(2);
    expect(await runScanCommand([dir], io().io)).toBe(2);
  });

  it('--help prints usage and exits 0', async () => {
    const t = io();
    expect(await runScanCommand(['--help'], t.io)).toBe(0);
    expect(t.out()).toContain('Usage: healer scan [options] <file>');
  });

  it('handles lines split across read chunks and a last line without newline', async () => {
    const chunks = ['INFO ok\nError: connect ECONN', 'REFUSED 127.0.0.1:1\nok\npanic: las', 't'];
    const t = io();
    t.io.stdin = Readable.from(chunks.map((c) => Buffer.from(c)));
    expect(await runScanCommand(['-', '--json'], t.io)).toBe(1);
    expect(
      t
        .out()
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l))
        .map((r) => [r.line_number, r.code]),
    ).toEqual([
      [2, 'R2'],
      [4, 'R1'],
    ]);
  });

  it('handles a line spread over several chunks, chunks without a newline and split multi-byte characters', async () => {
    const line = Buffer.from('ü ERROR: connection refused €\n');
    const chunks = [
      Buffer.from('ok\nfine\n'),
      line.subarray(0, 1),
      line.subarray(1, 9),
      line.subarray(9, 30),
      line.subarray(30),
      Buffer.from('\npanic: x\n'),
    ];
    const t = io();
    t.io.stdin = Readable.from(chunks);
    expect(await runScanCommand(['-', '--json'], t.io)).toBe(1);
    const rows = t
      .out()
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(rows.map((r) => [r.line_number, r.code, r.line])).toEqual([
      [3, 'R2', 'ü ERROR: connection refused €'],
      [5, 'R1', 'panic: x'],
    ]);
  });
});
