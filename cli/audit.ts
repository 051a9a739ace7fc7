// `healer audit verify [FILE]`: check the hash chain of the audit log and name the first bad entry.
// Exit codes: 0 the chain is intact, 1 it is broken, 2 usage or I/O error.
import { readFile } from 'node:fs/promises';
import { verifyChain } from '../core/watchdog/audit/entry';
import { sha256Hex } from '../activities/watchdog/audit';
import { loadConfigFor, type CliContext, type Env } from './context';
import type { CliIo } from './io';
import { main } from './main';

/** The CLI's io (cli/io.ts) without stdin, plus the environment (the process's when absent). */
export type CommandIo = Pick<CliIo, 'stdout' | 'stderr'> & { env?: Env };

/** Where the watchdog writes: HEALER_AUDIT_LOG, or <state dir>/audit.jsonl. */
export const defaultAuditLog = (ctx: CliContext): string => loadConfigFor(ctx).watchdog.auditLogPath;

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

/** `healer audit ARGV` as a function (tests call it): parsed by the program, like the command line. */
export const runAuditCommand = (argv: string[], io: CommandIo): Promise<number> =>
  main(['audit', ...argv], { stdin: process.stdin, stdout: io.stdout, stderr: io.stderr }, io.env);
