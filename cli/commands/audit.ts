// `healer audit verify [FILE] [--temporal]`: check the watchdog's hash-chained audit log, or its mirror in Temporal.
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
    .description(
      'Checks the hash chain of the audit log and names the first bad entry. The watchdog also mirrors the log ' +
        'into Temporal (workflow audit-<namespace>), so --temporal verifies it from any pod; with no FILE and no ' +
        "file at the default path (it is on the watchdog's volume), the mirror is verified.",
    )
    .argument('[file]', 'the audit log (default: HEALER_AUDIT_LOG, or <state dir>/audit.jsonl)')
    .option('--temporal', 'verify the mirror audit-<HEALER_NAMESPACE> in Temporal (TEMPORAL_ADDRESS) instead of a file')
    .addHelpText('after', '\nExit status: 0 the chain is intact, 1 it is broken, 2 usage or I/O error.')
    .action(async (file: string | undefined, opts: { temporal?: boolean }) => {
      const { runAuditVerify } = require('../audit') as typeof import('../audit');
      ctx.exitCode = await runAuditVerify(ctx, file, opts);
    });
  // The mirror is read from Temporal: its address and the namespace that names the mirror.
  const mirrorVars = ['TEMPORAL_ADDRESS', 'TEMPORAL_NAMESPACE', 'HEALER_NAMESPACE'];
  listEnvironment(audit, ['cli'], mirrorVars);
  listEnvironment(verify, ['cli'], mirrorVars);
};
