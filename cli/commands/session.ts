// `healer session start|list|show|end`: sessions through the HTTP API (HEALER_API_URL, HEALER_API_TOKEN).
/* eslint-disable @typescript-eslint/no-require-imports -- each command loads its code when it runs */
import { Option, type Command } from 'commander';
import type { ApiClientOptions } from '../api-client';
import { loadConfigFor, type CliContext, type CommandRegistration } from '../context';
import { listEnvironment } from '../env-help';
import type { EndStatus, StartOptions } from '../session';

const EXIT_STATUS = '\nExit status: 0 ok, 1 the API answered with an error or could not be reached, 2 bad usage.';

const sessions = () => require('../session') as typeof import('../session');

function apiOptions(ctx: CliContext): ApiClientOptions {
  const config = loadConfigFor(ctx);
  return { baseUrl: config.api.publicUrl, token: config.api.token };
}

/** A `session` subcommand with the conventions every one shares: --json, exit status, environment. */
function subcommand(session: Command, name: string, summary: string): Command {
  const command = session
    .command(name)
    .summary(summary)
    .description(`${summary[0].toUpperCase()}${summary.slice(1)}.`)
    .option('--json', "print the API's answer as JSON")
    .addHelpText('after', EXIT_STATUS);
  return listEnvironment(command, ['cli']);
}

export const registerSession: CommandRegistration = (program, ctx) => {
  const session = program
    .command('session')
    .helpGroup('Talking to the API:')
    .summary('start, list, show and end play sessions via the API')
    .description('Play sessions through the HTTP API (`healer api` or `healer dev` must be running).');
  listEnvironment(session, ['cli']);

  subcommand(session, 'start', 'start a play session from a JSON payload, or from --play-id and --repository')
    .option('--file <payload.json>', 'the session start payload (snake_case or camelCase; see the README)')
    .option('--play-id <id>', 'play id (with --repository, instead of --file)')
    .option('--repository <owner/name>', 'repository the session works on')
    .option('--namespace <ns>', 'Kubernetes namespace of the session (default cto)')
    .action(async (opts: StartOptions) => {
      ctx.exitCode = await sessions().startSession(apiOptions(ctx), ctx.io, opts);
    });

  subcommand(session, 'list', 'list sessions from Temporal (all, or active only)')
    .option('--active', 'active sessions only')
    .action(async (opts: { active?: boolean; json?: boolean }) => {
      ctx.exitCode = await sessions().listSessions(apiOptions(ctx), ctx.io, opts);
    });

  subcommand(session, 'show', "show one session's status, agents, detections and incidents")
    .argument('<play_id>', 'the play id')
    .action(async (playId: string, opts: { json?: boolean }) => {
      ctx.exitCode = await sessions().showSession(apiOptions(ctx), ctx.io, playId, opts);
    });

  subcommand(session, 'end', 'end a session')
    .argument('<play_id>', 'the play id')
    .option('--reason <text>', 'why it ended (shown on the session)')
    .addOption(
      new Option('--status <status>', 'how it ended').choices([
        'completed',
        'failed',
        'cancelled',
      ] satisfies EndStatus[]),
    )
    .action(async (playId: string, opts: { reason?: string; status?: EndStatus; json?: boolean }) => {
      ctx.exitCode = await sessions().endSession(apiOptions(ctx), ctx.io, playId, opts);
    });
};
