// Which files a model's patch may change in one incident: the configured path policy, narrowed to the
// files the evaluation named when no allowed paths are configured (see scopeToNamedFiles). A text in a
// log line can steer a model; it cannot widen what the evaluation named.
import type { FileEdit } from './schemas';
import { checkEditPaths, scopeToNamedFiles, type PathPolicy, type PathViolation } from './path-policy';

/** The policy of this incident's patches (also shown to the remediation prompt and re-checked on commit). */
export const patchPolicy = (configured: PathPolicy, namedFiles: readonly string[]): PathPolicy =>
  scopeToNamedFiles(configured, namedFiles);

/** The edits the policy refuses (every edit when no allowed paths are configured and the evaluation named none). */
export function refusedEdits(
  edits: readonly FileEdit[],
  configured: PathPolicy,
  namedFiles: readonly string[],
): PathViolation[] {
  return checkEditPaths(edits, patchPolicy(configured, namedFiles));
}
