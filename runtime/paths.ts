// Where the project lives on disk, whether running from source (ts) or from dist/ (js).
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

let cached: string | undefined;

export function projectRoot(): string {
  if (cached) return cached;
  let dir = __dirname;
  for (;;) {
    const manifest = join(dir, 'package.json');
    if (existsSync(manifest) && JSON.parse(readFileSync(manifest, 'utf8')).name === 'healer') return (cached = dir);
    const parent = dirname(dir);
    if (parent === dir) throw new Error(`cannot find the healer project root above ${__dirname}`);
    dir = parent;
  }
}

/** Local state (dev-server database, scanner cursors, evidence, audit log) unless HEALER_STATE_DIR says otherwise. */
export const stateDir = (): string => process.env.HEALER_STATE_DIR || join(projectRoot(), '.healer');
