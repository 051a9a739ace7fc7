// `healer dev` and `healer demo`: the whole local stack from one command.
/* eslint-disable @typescript-eslint/no-require-imports -- each command loads its code when it runs */
import { loadConfigFor, type CommandRegistration } from '../context';
import { listEnvironment } from '../env-help';

const GROUP = 'Local stack:';

export const registerDev: CommandRegistration = (program, ctx) => {
  const dev = program
    .command('dev')
    .helpGroup(GROUP)
    .summary('the whole stack locally, until Ctrl-C')
    .description(
      'Starts a Temporal dev server (if none answers at TEMPORAL_ADDRESS), then the worker, llm-worker, ' +
        'scanner, watchdog and API as supervised child processes; prints their addresses and runs until Ctrl-C.',
    )
    .action(async () => {
      const { runDev } = require('../dev') as typeof import('../dev');
      ctx.exitCode = await runDev(loadConfigFor(ctx), ctx.io);
    });
  listEnvironment(dev, ['dev']);
};

export const registerDemo: CommandRegistration = (program, ctx) => {
  const demo = program
    .command('demo')
    .helpGroup(GROUP)
    .summary('dev, plus a sample session from examples/')
    .description(
      'Starts the local stack (as `healer dev`), starts the sample session of examples/session.json, pushes ' +
        'examples/agent.log through the API and shows the session heal (GitHub dry run, rule-based evaluator).',
    )
    .option('--exit', 'stop after showing the session (default: run until Ctrl-C)')
    .action(async (opts: { exit?: boolean }) => {
      const { runDemo } = require('../demo') as typeof import('../demo');
      ctx.exitCode = await runDemo(loadConfigFor(ctx), ctx.io, { exit: opts.exit ?? false });
    });
  listEnvironment(demo, ['dev']);
};
