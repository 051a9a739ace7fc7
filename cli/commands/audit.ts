// `healer audit verify [FILE]`: check the watchdog's hash-chained audit log.
/* eslint-disable @typescript-eslint/no-require-imports -- each command loads its code when it runs */
import type { CommandRegistration } from '../context';
import { listEnvironment } from '../env-help';

export const registerAudit: CommandRegistration = (program, ctx) => {
  const audit = program
    .command('audit')
    .helpGroup('Tools:')
    .summary("check the watchdog's hash-chained audit log")
    .description("The watchdog's audit log: append-only JSON lines, each entry chained to the previous one's hash.");
  const verify = audit
    .command('verify')
    .summary('check the hash chain; names the first bad entry')
    .description('Checks the hash chain of the audit log and names the first bad entry.')
    .argument('[file]', 'the audit log (default: HEALER_AUDIT_LOG, or <state dir>/audit.jsonl)')
    .addHelpText('after', '\nExit status: 0 the chain is intact, 1 it is broken, 2 usage or I/O error.')
    .action(async (file: string | undefined) => {
      const { verifyAuditLog, defaultAuditLog } = require('../audit') as typeof import('../audit');
      ctx.exitCode = await verifyAuditLog(file ?? defaultAuditLog(ctx), ctx.io);
    });
  listEnvironment(audit, ['cli']);
  listEnvironment(verify, ['cli']);
};
