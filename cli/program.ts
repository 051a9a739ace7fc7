// The `healer` program: the root command, every registered command (cli/commands/), and the conventions
// they all share — output through the context's io, errors as `healer <command>: message` plus where to
// find the usage, no process.exit (main maps outcomes to exit codes).
import { Command } from 'commander';
import { COMMANDS } from './commands';
import type { CliContext } from './context';

const ROOT_HELP_FOOTER = `
Configuration comes from the environment and cto-config.json: \`healer config\`
shows the effective values and where each came from, \`healer <command> --help\`
the variables a command reads.
Exit status: 0 ok, 1 failure (an API error, detections found by \`scan\`, a broken
audit chain), 2 bad usage or configuration.`;

/** `healer session end`, for messages. */
const commandPath = (command: Command): string =>
  command.parent ? `${commandPath(command.parent)} ${command.name()}` : command.name();

/** Applies the shared conventions to a command and its subcommands (set after registration: it needs each path). */
function applyConventions(command: Command): void {
  const path = commandPath(command);
  command
    .configureOutput({ outputError: (message, write) => write(`${path}: ${message.replace(/^error: /, '')}`) })
    .showHelpAfterError(`Run \`${path} --help\` for usage.`);
  for (const sub of command.commands) applyConventions(sub);
}

export function buildProgram(ctx: CliContext): Command {
  const program = new Command('healer')
    .description('Keeps AI coding-agent play sessions healthy: durable detection and healing on Temporal.')
    .exitOverride()
    .configureOutput({
      writeOut: (text) => ctx.io.stdout.write(text),
      writeErr: (text) => ctx.io.stderr.write(text),
    })
    .addHelpText('after', ROOT_HELP_FOOTER);
  for (const register of COMMANDS) register(program, ctx);
  program.commandsGroup('Tools:').helpCommand(true); // `healer help [command]` joins the tools
  applyConventions(program);
  return program;
}
