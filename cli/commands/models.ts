// `healer models list|test|report`: the model gateway's chains, test calls to every model, and the daily report.
/* eslint-disable @typescript-eslint/no-require-imports -- each command loads its code when it runs */
import { InvalidArgumentError } from 'commander';
import { loadConfigFor, type CommandRegistration } from '../context';
import { listEnvironment } from '../env-help';

const days = (value: string): number => {
  const parsed = Number(value);
  if (!Number.isInteger(parsed) || parsed < 1 || parsed > 35)
    throw new InvalidArgumentError('a whole number from 1 to 35');
  return parsed;
};

export const registerModels: CommandRegistration = (program, ctx) => {
  const models = program
    .command('models')
    .helpGroup('Tools:')
    .summary('the model gateway: chains, test calls, the daily report')
    .description(
      'The model gateway as an operator sees it: the resolved chain per role, a short test call to every model, and ' +
        'per-day statistics shared by every LLM worker (read from Temporal).',
    );
  const list = models
    .command('list')
    .summary("the resolved chain per role: each model's provider, status and breaker")
    .option('--json', 'print JSON')
    .action(async (opts: { json?: boolean }) => {
      const { runModelsList } = require('../models') as typeof import('../models');
      ctx.exitCode = await runModelsList(loadConfigFor(ctx), ctx.io, opts);
    });
  const test = models
    .command('test')
    .summary('one short structured call to every model of the chains')
    .option('--all', 'call every model the providers list, not only the chains')
    .option('--json', 'print JSON')
    .addHelpText(
      'after',
      '\nExit status: 0 every provider with a key answered, 1 one did not, 2 usage or configuration error.',
    )
    .action(async (opts: { all?: boolean; json?: boolean }) => {
      const { runModelsTest } = require('../models') as typeof import('../models');
      ctx.exitCode = await runModelsTest(loadConfigFor(ctx), ctx.io, opts);
    });
  const report = models
    .command('report')
    .summary('per day and model: calls, failure rate, cost; whether the targets hold')
    .option('--days <n>', 'how many days, today included (1–35)', days, 3)
    .option('--json', 'print JSON')
    .addHelpText('after', '\nExit status: 0 the targets hold, 1 they do not, 2 usage or configuration error.')
    .action(async (opts: { days: number; json?: boolean }) => {
      const { runModelsReport } = require('../models') as typeof import('../models');
      ctx.exitCode = await runModelsReport(loadConfigFor(ctx), ctx.io, opts);
    });
  for (const command of [models, list, test, report]) listEnvironment(command, ['llm-worker', 'cli']);
};
