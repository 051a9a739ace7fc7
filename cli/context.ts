// What every command gets, and how a command joins the program (cli/commands/index.ts lists them).
import type { Command } from 'commander';
import type { HealerConfig } from '../runtime/config';
import type { CliIo } from './io';

export type Env = Record<string, string | undefined>;

export interface CliContext {
  io: CliIo;
  /** The environment configuration is read from (the process environment in the real CLI, an object in tests). */
  env: Env;
  /** Set by the command that ran; `main` returns it. */
  exitCode: number;
}

/** Adds one top-level command (and its subcommands) to the program. */
export type CommandRegistration = (program: Command, ctx: CliContext) => void;

/**
 * The validated configuration, loaded when a command runs rather than when the CLI starts (so
 * `healer --help` and `healer scan` never load it). A bad value throws ConfigError: exit 2.
 */
export function loadConfigFor(ctx: CliContext): HealerConfig {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded on use, see above
  const { loadConfig } = require('../runtime/config') as typeof import('../runtime/config');
  const config = loadConfig(ctx.env);
  // Accepted but worth fixing (unknown cto-config.json keys, by path): said once, on stderr.
  for (const warning of config.warnings) ctx.io.stderr.write(`warning: ${warning}\n`);
  return config;
}
