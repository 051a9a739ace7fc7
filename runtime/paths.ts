// Where the project lives on disk, whether running from source (ts) or from dist/ (js).
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

let cached: { root: string; version: string } | undefined;

function project(): { root: string; version: string } {
  if (cached) return cached;
  let dir = __dirname;
  for (;;) {
    const manifest = join(dir, 'package.json');
    if (existsSync(manifest)) {
      const { name, version } = JSON.parse(readFileSync(manifest, 'utf8')) as { name?: string; version?: string };
      if (name === 'healer') return (cached = { root: dir, version: version ?? '0.0.0' });
    }
    const parent = dirname(dir);
    if (parent === dir) throw new Error(`cannot find the healer project root above ${__dirname}`);
    dir = parent;
  }
}

export const projectRoot = (): string => project().root;

/** Healer's version, from its package.json (what components report in their heartbeats). */
export const projectVersion = (): string => project().version;

/** Local state (dev-server database, scanner cursors, evidence, audit log) when HEALER_STATE_DIR is unset. */
export const defaultStateDir = (): string => join(projectRoot(), '.healer');
