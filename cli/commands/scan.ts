// `healer scan FILE|-`: offline scan with the detection catalog.
/* eslint-disable @typescript-eslint/no-require-imports -- each command loads its code when it runs */
import type { ScanOptions } from '../scan';
import type { CommandRegistration } from '../context';
import { listEnvironment } from '../env-help';

export const registerScan: CommandRegistration = (program, ctx) => {
  const scan = program
    .command('scan')
    .helpGroup('Tools:')
    .summary('scan a log file or stdin offline (exit 1: found)')
    .description(
      'Scans a log file (or stdin with "-") for the failures of the detection catalog (A10-A12 pre-flight, ' +
        'R1-R5 runtime, L1-L4 lifecycle) and prints what it found.',
    )
    .argument('<file>', 'log file to scan, or - for stdin')
    .option(
      '--json',
      'one JSON object per detection (code, severity, priority, line_number, pattern, fingerprint, line, title)',
    )
    .option('--agent <name>', 'agent the log belongs to (part of the fingerprint)')
    .option('--task <id>', 'task id the log belongs to (part of the fingerprint)')
    .addHelpText('after', '\nExit status: 0 nothing found, 1 detections found, 2 error.')
    .action(async (file: string, opts: ScanOptions) => {
      const { scanLog } = require('../scan') as typeof import('../scan');
      ctx.exitCode = await scanLog(file, opts, ctx.io);
    });
  listEnvironment(scan, []);
};
