// kustomize renders deploy/ in the manifest test. It is a Go binary (not on npm): one on PATH serves,
// else it is built once into the project's .bin/ with `go install`, as the Temporal CLI is.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';

export const KUSTOMIZE_MODULE = 'sigs.k8s.io/kustomize/kustomize/v5@v5.7.1';
const localKustomize = join(__dirname, '..', '..', '.bin', 'kustomize');

const runs = (command: string): boolean => spawnSync(command, ['version'], { encoding: 'utf8' }).status === 0;

/** The kustomize command to run, building it when missing; undefined when neither PATH nor Go has it. */
export function ensureKustomize(): string | undefined {
  if (existsSync(localKustomize) && runs(localKustomize)) return localKustomize;
  if (runs('kustomize')) return 'kustomize';
  const built = spawnSync('go', ['install', KUSTOMIZE_MODULE], {
    env: { ...process.env, GOBIN: join(localKustomize, '..') },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  return built.status === 0 && runs(localKustomize) ? localKustomize : undefined;
}
