// `healer config`: the effective configuration, secrets masked, and where each value came from.
/* eslint-disable @typescript-eslint/no-require-imports -- each command loads its code when it runs */
import { loadConfigFor, type CommandRegistration } from '../context';
import { listEnvironment } from '../env-help';

export const registerConfig: CommandRegistration = (program, ctx) => {
  const config = program
    .command('config')
    .helpGroup('Tools:')
    .summary('the effective configuration and where it came from')
    .description(
      'Prints the configuration every Healer process would start with here: each value, masked when it is a ' +
        'token, key or webhook URL, and its source (an environment variable, cto-config.json, or the default). ' +
        'A bad value exits 2 naming the variable.',
    )
    .option('--json', 'print the rows as JSON ({key, env?, value, source})')
    .action((opts: { json?: boolean }) => {
      const { printConfig } = require('../config') as typeof import('../config');
      ctx.exitCode = printConfig(loadConfigFor(ctx), ctx.io, opts);
    });
  listEnvironment(config, 'all');
};
