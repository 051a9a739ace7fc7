// The fingerprint of a CI failure: the same job failing the same way on the next push (or on another
// leg of a matrix) is the same failure, so it becomes evidence for the open incident, not a new one.
import { hash64, normaliseLine } from '../detection/fingerprint';

export interface CiFingerprintInput {
  repo: string;
  /** The workflow file (or name when the file is unknown): two workflows' `build` jobs are different failures. */
  workflow: string;
  jobName: string;
  failedStep?: string;
  /** The catalog code or CI signature of the job's log (classify.ts). */
  signature: string;
}

/** `test (ubuntu-latest, 20.x)` → `test`: matrix legs of one job fail the same way. */
export function normaliseJobName(name: string): string {
  return normaliseLine(name.replace(/\s*\([^)]*\)\s*$/, ''));
}

export function ciFingerprint(input: CiFingerprintInput): string {
  return hash64(
    [
      'ci',
      input.repo.toLowerCase(),
      input.workflow.toLowerCase(),
      normaliseJobName(input.jobName),
      normaliseLine(input.failedStep ?? ''),
      input.signature.toLowerCase(),
    ].join('\u0000'),
  );
}
