// Finds the `temporal` CLI (TEMPORAL_CLI, PATH, then the project's .bin/) and builds it with Go when missing.
import { spawnSync } from 'node:child_process';
import { accessSync, constants, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { childProcessEnv, temporalCliFromEnv } from './config';
import { projectRoot } from './paths';

export const TEMPORAL_CLI_MODULE = 'github.com/temporalio/cli/cmd/temporal@v1.5.1';

const isExecutable = (path: string): boolean => {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
};

export const localBinDir = (): string => join(projectRoot(), '.bin');

/** Where `temporal` is on PATH, as the shell finds it. */
function onPath(command: string): string | undefined {
  const found = spawnSync('sh', ['-c', `command -v ${command}`], { encoding: 'utf8' });
  return found.status === 0 && found.stdout.trim() ? found.stdout.trim() : undefined;
}

/** `cli`: TEMPORAL_CLI, which wins over PATH and .bin/. */
export function findTemporalBinary(cli: string | undefined = temporalCliFromEnv()): string | undefined {
  if (cli) {
    if (!isExecutable(cli)) throw new Error(`TEMPORAL_CLI=${cli} is not an executable file`);
    return cli;
  }
  const local = join(localBinDir(), 'temporal');
  return onPath('temporal') ?? (isExecutable(local) ? local : undefined);
}

export const goAvailable = (): boolean => spawnSync('go', ['version'], { stdio: 'ignore' }).status === 0;

/** Builds the CLI into .bin/ with `go install` (a few minutes the first time). Returns its path. */
export function installTemporalBinary(log: (line: string) => void = console.error): string {
  if (!goAvailable())
    throw new Error('Go is not installed: cannot build the Temporal CLI (set TEMPORAL_CLI or install Go)');
  mkdirSync(localBinDir(), { recursive: true });
  log(`building the Temporal CLI (${TEMPORAL_CLI_MODULE}) into ${localBinDir()} — a few minutes the first time`);
  const result = spawnSync('go', ['install', TEMPORAL_CLI_MODULE], {
    env: childProcessEnv({ GOBIN: localBinDir() }),
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  if (result.status !== 0) throw new Error(`go install ${TEMPORAL_CLI_MODULE} failed with exit code ${result.status}`);
  return join(localBinDir(), 'temporal');
}

export function ensureTemporalBinary(log?: (line: string) => void): string | undefined {
  return findTemporalBinary() ?? (goAvailable() ? installTemporalBinary(log) : undefined);
}
