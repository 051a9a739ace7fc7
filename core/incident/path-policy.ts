// Which repository paths remediation may touch. Deny always wins; when allow globs are configured a path
// must also match one of them. A model answer with any forbidden path is rejected as a whole.
import type { FileEdit } from './schemas';

export const DEFAULT_DENIED_PATHS: readonly string[] = [
  '.github/workflows/**',
  '**/.env',
  '**/.env.*',
  '**/*.pem',
  '**/*.key',
  '**/*.p12',
  '**/id_rsa*',
  '**/secrets/**',
  '**/.git/**',
];

export interface PathPolicy {
  /** Empty: everything not denied is allowed. */
  allow: string[];
  deny: string[];
}

export const DEFAULT_PATH_POLICY: PathPolicy = { allow: [], deny: [...DEFAULT_DENIED_PATHS] };

/** Glob → RegExp: `**` spans directories, `*` and `?` stay within one segment. `**\/x` also matches `x` at the root. */
export function globToRegExp(glob: string): RegExp {
  let re = '';
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i];
    if (c === '*' && glob[i + 1] === '*') {
      if (glob[i + 2] === '/') {
        re += '(?:.*/)?';
        i += 2;
      } else {
        re += '.*';
        i += 1;
      }
    } else if (c === '*') re += '[^/]*';
    else if (c === '?') re += '[^/]';
    else re += c.replace(/[.+^${}()|[\]\\]/g, '\\$&');
  }
  return new RegExp(`^${re}$`, 'i');
}

export const matchesGlob = (path: string, glob: string): boolean => globToRegExp(glob).test(path);

/** Why a path is refused, or undefined when allowed. */
export function pathViolation(rawPath: string, policy: PathPolicy): string | undefined {
  const path = rawPath.trim();
  if (path.length === 0) return 'empty path';
  if (path.startsWith('/') || /^[a-zA-Z]:/.test(path) || path.includes('\\')) return 'not a repository-relative path';
  const segments = path.split('/');
  if (segments.some((s) => s === '..' || s === '.' || s === ''))
    return 'path must not contain empty, "." or ".." segments';
  const denied = policy.deny.find((g) => matchesGlob(path, g));
  if (denied) return `forbidden by ${denied}`;
  if (policy.allow.length > 0 && !policy.allow.some((g) => matchesGlob(path, g))) return 'not in the allowed paths';
  return undefined;
}

export interface PathViolation {
  path: string;
  reason: string;
}

export function checkEditPaths(edits: readonly FileEdit[], policy: PathPolicy): PathViolation[] {
  const out: PathViolation[] = [];
  for (const e of edits) {
    const reason = pathViolation(e.path, policy);
    if (reason) out.push({ path: e.path, reason });
  }
  return out;
}
