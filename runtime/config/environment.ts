// The process environment outside loadConfig. Healer's settings are read only by loadConfig; what is
// left is handing the environment on to child processes, and TEMPORAL_CLI for the dev-server bootstrap,
// which also runs where no HealerConfig exists (jest's global setup, benchmarks, scripts).
import { EnvReader, type Env } from './reader';

/** What a child process starts with: this process's environment plus `overrides`. */
export const childProcessEnv = (overrides: Env = {}): NodeJS.ProcessEnv => ({ ...process.env, ...overrides });

/** TEMPORAL_CLI (the same value loadConfig gives as `temporal.cli`). */
export const temporalCliFromEnv = (env: Env = process.env): string | undefined =>
  new EnvReader(env).raw('TEMPORAL_CLI');
