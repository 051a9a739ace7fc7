// `healer audit verify [FILE] [--temporal]`: check the hash chain of the audit log (or of its mirror in
// Temporal) and name the first bad entry. Exit codes: 0 the chain is intact, 1 it is broken, 2 usage or I/O error.
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { verifyChain } from '../core/watchdog/audit/entry';
import { sha256Hex } from '../activities/watchdog/audit';
import { loadConfigFor, type CliContext, type Env } from './context';
import type { CliIo } from './io';
import { main } from './main';

/** The CLI's io (cli/io.ts) without stdin, plus the environment (the process's when absent). */
export type CommandIo = Pick<CliIo, 'stdout' | 'stderr'> & { env?: Env };

export async function verifyAuditLog(path: string, io: Pick<CliIo, 'stdout' | 'stderr'>): Promise<number> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    io.stderr.write(`cannot read audit log ${path}: ${(error as Error).message}\n`);
    return 2;
  }
  const verdict = verifyChain(text.split('\n'), sha256Hex);
  if (verdict.ok) {
    io.stdout.write(
      `audit log ${path}: ok, ${verdict.entries} entries, chain intact (last hash ${verdict.lastHash.slice(0, 12)}…)\n`,
    );
    return 0;
  }
  const which = verdict.seq !== undefined ? `entry ${verdict.seq} (line ${verdict.line})` : `line ${verdict.line}`;
  io.stdout.write(
    `audit log ${path}: BROKEN at ${which}: ${verdict.reason}; ${verdict.entries} entries before it are intact\n`,
  );
  return 1;
}

/**
 * `healer audit verify`: FILE, or with `--temporal` the mirror; with neither, the default file, or the
 * mirror when that file is not here (it is on the watchdog's volume, so only the watchdog's pod has it).
 */
export async function runAuditVerify(
  ctx: CliContext,
  file: string | undefined,
  opts: { temporal?: boolean },
): Promise<number> {
  if (opts.temporal && file) {
    ctx.io.stderr.write('healer audit verify: give FILE or --temporal, not both\n');
    return 2;
  }
  if (file) return verifyAuditLog(file, ctx.io);
  const config = loadConfigFor(ctx);
  // Loaded only for the mirror: verifying a file needs no Temporal client.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { verifyAuditMirror } = require('./audit-mirror') as typeof import('./audit-mirror');
  if (opts.temporal) return verifyAuditMirror(config, ctx.io);
  const path = config.watchdog.auditLogPath;
  if (existsSync(path)) return verifyAuditLog(path, ctx.io);
  ctx.io.stdout.write(`no audit log at ${path} (it is on the watchdog's volume): verifying its mirror in Temporal\n`);
  return verifyAuditMirror(config, ctx.io);
}

/** `healer audit ARGV` as a function (tests call it): parsed by the program, like the command line. */
export const runAuditCommand = (argv: string[], io: CommandIo): Promise<number> =>
  main(['audit', ...argv], { stdin: process.stdin, stdout: io.stdout, stderr: io.stderr }, io.env);
