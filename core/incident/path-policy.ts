// Which repository paths remediation may touch. Deny always wins; when allow globs are configured a path
// must also match one of them. A model answer with any forbidden path is rejected as a whole.
import type { FileEdit } from './schemas';

// Denied unless a user removes them from their own policy: files that run with the repository's
// privileges (CI/CD), decide who reviews (CODEOWNERS), or hold credentials and secrets. A model answer
// can be steered by text in a log line, so these are never written by Healer on its own.
export const DEFAULT_DENIED_PATHS: readonly string[] = [
  // CI/CD and repository automation
  '.github/**',
  '.gitlab-ci.yml',
  '.gitlab/**',
  '.circleci/**',
  '.buildkite/**',
  '**/Jenkinsfile',
  '**/azure-pipelines.yml',
  '**/bitbucket-pipelines.yml',
  '**/.travis.yml',
  '**/CODEOWNERS',
  '**/.git/**',
  '**/.gitmodules',
  // package-manager and tool credentials
  '**/.npmrc',
  '**/.yarnrc',
  '**/.yarnrc.yml',
  '**/.pypirc',
  '**/pip.conf',
  '**/.netrc',
  '**/.docker/config.json',
  '**/.m2/settings.xml',
  '**/.gem/credentials',
  '**/.cargo/credentials*',
  '**/.aws/**',
  '**/.kube/config',
  '**/kubeconfig*',
  // secrets, credentials, keys and encrypted files, wherever they live
  '**/.env',
  '**/.env.*',
  '**/*secret*',
  '**/*secret*/**',
  '**/*credential*',
  '**/*credential*/**',
  '**/*.pem',
  '**/*.key',
  '**/*.p12',
  '**/*.pfx',
  '**/*.jks',
  '**/*.keystore',
  '**/*.enc',
  '**/*.gpg',
  '**/*.age',
  '**/*.asc',
  '**/*.sops.*',
  '**/id_rsa*',
  '**/id_ed25519*',
  '**/id_ecdsa*',
];

export interface PathPolicy {
  /** Empty: everything not denied is allowed. */
  allow: string[];
  deny: string[];
  /** Why a path outside `allow` is refused (default: not in the allowed paths). */
  allowReason?: string;
  /** `allow` is the whole list even when empty (a patch scoped to named files, and none were named). */
  allowOnly?: boolean;
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
  if ((policy.allow.length > 0 || policy.allowOnly) && !policy.allow.some((g) => matchesGlob(path, g)))
    return policy.allowReason ?? 'not in the allowed paths';
  return undefined;
}

export interface PathViolation {
  path: string;
  reason: string;
}

/**
 * With no allow globs configured, a patch may only change the files the evaluation named: a model that was
 * steered (for example by instructions planted in a log line) cannot reach further into the repository.
 */
export function scopeToNamedFiles(policy: PathPolicy, namedFiles: readonly string[]): PathPolicy {
  if (policy.allow.length > 0) return policy;
  const named = namedFiles.map((path) => path.trim()).filter((path) => path.length > 0 && !/[*?]/.test(path));
  const allowReason =
    named.length > 0 ? 'not among the files named in the evaluation' : 'the evaluation named no file to change';
  return { ...policy, allow: named, allowOnly: true, allowReason };
}

export function checkEditPaths(edits: readonly FileEdit[], policy: PathPolicy): PathViolation[] {
  const out: PathViolation[] = [];
  for (const e of edits) {
    const reason = pathViolation(e.path, policy);
    if (reason) out.push({ path: e.path, reason });
  }
  return out;
}
