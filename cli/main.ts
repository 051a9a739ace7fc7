// The `healer` command.
import { ConfigError, loadConfig, type HealerConfig } from '../runtime/config';
import { ApiError } from './api-client';
import { processIo, UsageError, type CliIo } from './io';
import { runSessionCommand } from './session';
import { startApi } from '../api/server';
import { startMainWorker } from '../workers/main';
import { runDemo } from './demo';
import { startDevStack, untilSignal } from './dev';

const HELP = `Usage: healer <command> [options]

Local stack
  dev                 start everything locally: a Temporal dev server (if none answers at
                      TEMPORAL_ADDRESS), the worker and the API; prints their addresses
  demo [--exit]       dev, plus a sample play session from examples/ and where to see it

Components (one process each)
  worker              the main worker (task queue "healer")
  api                 the HTTP API (HEALER_PORT, default 8083)

Talking to the API
  session start|list|show|end   see \`healer session --help\`

Run \`healer <command> --help\` for a command's options. Configuration comes from the environment
(TEMPORAL_ADDRESS, HEALER_PORT, HEALER_API_TOKEN, ...; see the README).`;

type Command = (argv: string[], io: CliIo) => Promise<number>;

const withConfig = (fn: (config: HealerConfig, argv: string[], io: CliIo) => Promise<number>): Command => (argv, io) => fn(loadConfig(), argv, io);

function expectNoArgs(name: string, argv: string[], io: CliIo, help: string): boolean {
  if (argv.includes('--help') || argv.includes('-h')) {
    io.stdout.write(`${help}\n`);
    return true;
  }
  if (argv.length) throw new UsageError(`${name} takes no arguments (got ${argv.join(' ')})`);
  return false;
}

const commands: Record<string, Command> = {
  dev: withConfig(async (config, argv, io) => {
    if (expectNoArgs('dev', argv, io, 'Usage: healer dev\n\nStarts the local stack and runs until Ctrl-C.')) return 0;
    const stack = await startDevStack(config, (line) => io.stderr.write(`${line}\n`));
    io.stdout.write(`Healer is running.\n  API:          ${stack.apiUrl}\n  Temporal UI:  ${stack.uiUrl}\n  Temporal:     ${stack.temporalAddress}\n  Supervisor:   ${stack.supervisorUrl}\nPress Ctrl-C to stop.\n`);
    await untilSignal();
    await stack.stop();
    return 0;
  }),
  demo: withConfig(async (config, argv, io) => {
    const exit = argv.includes('--exit');
    if (expectNoArgs('demo', argv.filter((a) => a !== '--exit'), io, 'Usage: healer demo [--exit]\n\n--exit  stop after showing the session (default: run until Ctrl-C)')) return 0;
    return runDemo(config, io, { exit });
  }),
  worker: withConfig(async (config, argv, io) => {
    if (expectNoArgs('worker', argv, io, 'Usage: healer worker\n\nPolls task queue "healer"; stops gracefully on SIGINT/SIGTERM.')) return 0;
    const running = await startMainWorker(config);
    io.stderr.write(`worker polling "healer" on ${config.temporal.address}\n`);
    await running.done;
    return 0;
  }),
  api: withConfig(async (config, argv, io) => {
    if (expectNoArgs('api', argv, io, 'Usage: healer api\n\nServes the HTTP API on HEALER_API_HOST:HEALER_PORT.')) return 0;
    const api = await startApi(config);
    io.stderr.write(`API listening on ${api.url}\n`);
    await untilSignal();
    await api.close();
    return 0;
  }),
  session: async (argv, io) => {
    const config = loadConfig();
    return runSessionCommand(argv, io, { baseUrl: process.env.HEALER_API_URL?.replace(/\/+$/, '') ?? config.api.publicUrl, token: config.api.token });
  },
};

export async function main(argv: string[], io: CliIo = processIo()): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    io.stdout.write(`${HELP}\n`);
    return name ? 0 : 2;
  }
  const command = Object.hasOwn(commands, name) ? commands[name] : undefined;
  try {
    if (!command) throw new UsageError(`unknown command "${name}"`);
    return await command(rest, io);
  } catch (error) {
    if (error instanceof UsageError || (error as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) {
      io.stderr.write(`healer: ${(error as Error).message}\nRun \`healer ${command ? `${name} ` : ''}--help\` for usage.\n`);
      return 2;
    }
    if (error instanceof ConfigError) {
      io.stderr.write(`healer: ${error.message}\n`);
      return 2;
    }
    if (error instanceof ApiError) {
      io.stderr.write(`healer: ${error.message}\n`);
      return 1;
    }
    io.stderr.write(`healer: ${(error as Error).stack ?? String(error)}\n`);
    return 1;
  }
}

if (require.main === module) {
  main(process.argv.slice(2)).then((code) => process.exit(code));
}
