// `healer audit verify [FILE]`: check the hash chain of the audit log and name the first bad entry.
// Exit codes: 0 the chain is intact, 1 it is broken, 2 usage or I/O error.
import { readFile } from 'node:fs/promises';
import { verifyChain } from '../core/watchdog/audit/entry';
import { defaultAuditLogPath, sha256Hex } from '../activities/watchdog/audit';
import type { CliIo } from './io';

export { defaultAuditLogPath };

/** The CLI's io (cli/io.ts), plus the environment for the default path (process.env when absent). */
export type CommandIo = Pick<CliIo, 'stdout' | 'stderr'> & { env?: Record<string, string | undefined> };

const USAGE = 'usage: healer audit verify [FILE]   (default: $HEALER_AUDIT_LOG or <state dir>/audit.jsonl)\n';

export async function runAuditCommand(argv: string[], io: CommandIo): Promise<number> {
  const [sub, file, ...extra] = argv;
  if (sub !== 'verify' || extra.length > 0) {
    io.stderr.write(USAGE);
    return 2;
  }
  const path = file ?? defaultAuditLogPath(io.env ?? process.env);
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
