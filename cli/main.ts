// The `healer` command: builds the program (cli/program.ts), runs the command argv names and turns the
// outcome into an exit code: 0 ok, 1 failure, 2 bad usage or configuration. Nothing heavy is loaded
// here: each command loads its code when it runs, so `healer --help` and `healer scan` start quickly.
import { CommanderError, type Command } from 'commander';
import { ApiError } from './api-client';
import { buildProgram } from './program';
import type { CliContext, Env } from './context';
import { processIo, UsageError, type CliIo } from './io';

export async function main(argv: string[], io: CliIo = processIo(), env: Env = process.env): Promise<number> {
  const ctx: CliContext = { io, env, exitCode: 0 };
  const program = buildProgram(ctx);
  let running: Command = program;
  program.hook('preAction', (_program, command) => {
    running = command;
  });
  try {
    await program.parseAsync(argv, { from: 'user' });
    return ctx.exitCode;
  } catch (error) {
    return exitCodeFor(error, running, io);
  }
}

function exitCodeFor(error: unknown, command: Command, io: CliIo): number {
  // Help shown on request exits 0; commander has already printed its parse errors (and help when no command was given).
  if (error instanceof CommanderError) return error.exitCode === 0 ? 0 : 2;
  if (error instanceof UsageError) {
    try {
      command.error(error.message, { exitCode: 2 }); // prints it as commander prints its own, then throws
    } catch {
      return 2;
    }
  }
  if (error instanceof ApiError) {
    io.stderr.write(`healer: ${error.message}\n`);
    return 1;
  }
  // ConfigError without loading runtime/config here: only a command that loaded it can throw one.
  if ((error as Error).name === 'ConfigError') {
    io.stderr.write(`healer: ${(error as Error).message}\n`);
    return 2;
  }
  io.stderr.write(`healer: ${(error as Error).stack ?? String(error)}\n`);
  return 1;
}

if (require.main === module) {
  void main(process.argv.slice(2)).then((code) => process.exit(code));
}
