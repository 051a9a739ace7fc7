// Finds the `temporal` CLI (TEMPORAL_CLI, PATH, then the project's .bin/) and builds it with Go when missing.
import { spawnSync } from 'node:child_process';
import { accessSync, constants, mkdirSync } from 'node:fs';
import { delimiter, join } from 'node:path';
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

export function findTemporalBinary(env: NodeJS.ProcessEnv = process.env): string | undefined {
  if (env.TEMPORAL_CLI) {
    if (!isExecutable(env.TEMPORAL_CLI)) throw new Error(`TEMPORAL_CLI=${env.TEMPORAL_CLI} is not an executable file`);
    return env.TEMPORAL_CLI;
  }
  for (const dir of (env.PATH ?? '').split(delimiter)) {
    if (dir && isExecutable(join(dir, 'temporal'))) return join(dir, 'temporal');
  }
  const local = join(localBinDir(), 'temporal');
  return isExecutable(local) ? local : undefined;
}

export const goAvailable = (): boolean => spawnSync('go', ['version'], { stdio: 'ignore' }).status === 0;

/** Builds the CLI into .bin/ with `go install` (a few minutes the first time). Returns its path. */
export function installTemporalBinary(log: (line: string) => void = console.error): string {
  if (!goAvailable())
    throw new Error('Go is not installed: cannot build the Temporal CLI (set TEMPORAL_CLI or install Go)');
  mkdirSync(localBinDir(), { recursive: true });
  log(`building the Temporal CLI (${TEMPORAL_CLI_MODULE}) into ${localBinDir()} — a few minutes the first time`);
  const result = spawnSync('go', ['install', TEMPORAL_CLI_MODULE], {
    env: { ...process.env, GOBIN: localBinDir() },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  if (result.status !== 0) throw new Error(`go install ${TEMPORAL_CLI_MODULE} failed with exit code ${result.status}`);
  return join(localBinDir(), 'temporal');
}

export function ensureTemporalBinary(log?: (line: string) => void): string | undefined {
  return findTemporalBinary() ?? (goAvailable() ? installTemporalBinary(log) : undefined);
}
