// `healer completion bash|zsh`: a completion script derived from the program's own commands and options.
/* eslint-disable @typescript-eslint/no-require-imports -- each command loads its code when it runs */
import { Argument } from 'commander';
import type { CommandRegistration } from '../context';
import { listEnvironment } from '../env-help';

export const registerCompletion: CommandRegistration = (program, ctx) => {
  const completion = program
    .command('completion')
    .helpGroup('Tools:')
    .summary('print a bash or zsh completion script')
    .description(
      'Prints a completion script for the commands, subcommands and options of this healer. ' +
        'bash: `source <(healer completion bash)` (e.g. in ~/.bashrc); ' +
        'zsh: `source <(healer completion zsh)` after compinit, or save it as _healer on your $fpath.',
    )
    .addArgument(new Argument('<shell>', 'the shell').choices(['bash', 'zsh']))
    .action((shell: 'bash' | 'zsh') => {
      const { completionScript } = require('../completion') as typeof import('../completion');
      ctx.io.stdout.write(completionScript(shell, program));
    });
  listEnvironment(completion, []);
};
