// The "Environment:" section of a command's --help: the variables its process kind reads, taken from
// CONFIG_ENV_VARS (runtime/config), which is loaded only when the help is shown.
import type { Command } from 'commander';
import type { Component } from '../runtime/config';

/**
 * `components`: the process kinds whose variables the command reads ('all' for `healer config`); `also`:
 * variables of other kinds it reads too (by name).
 */
export function listEnvironment(
  command: Command,
  components: readonly Component[] | 'all',
  also: readonly string[] = [],
): Command {
  return command.addHelpText('after', () => environmentSection(command, components, also));
}

function environmentSection(
  command: Command,
  components: readonly Component[] | 'all',
  also: readonly string[],
): string {
  if (!components.length && !also.length) return '\nEnvironment: none read.';
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded only when help is shown
  const { CONFIG_ENV_VARS } = require('../runtime/config') as typeof import('../runtime/config');
  const vars = CONFIG_ENV_VARS.filter(
    (v) =>
      components === 'all' || also.includes(v.name) || v.components.some((component) => components.includes(component)),
  );
  const helper = command.createHelp();
  helper.prepareContext({ helpWidth: command.configureOutput().getOutHelpWidth?.() });
  const width = Math.max(...vars.map((v) => v.name.length));
  return ['', 'Environment:', ...vars.map((v) => helper.formatItem(v.name, width, v.description, helper))].join('\n');
}
