// Every `healer` command, in the order `healer --help` lists them. Adding a command is one line here:
// its registration (a file in this folder) declares its options and loads its code only when it runs.
import type { CommandRegistration } from '../context';
import { registerAudit } from './audit';
import { registerCompletion } from './completion';
import { registerComponents } from './components';
import { registerConfig } from './config';
import { registerDemo, registerDev } from './local-stack';
import { registerModels } from './models';
import { registerScan } from './scan';
import { registerSession } from './session';

export const COMMANDS: readonly CommandRegistration[] = [
  registerDev,
  registerDemo,
  registerComponents,
  registerScan,
  registerAudit,
  registerConfig,
  registerCompletion,
  registerSession,
  registerModels,
];
