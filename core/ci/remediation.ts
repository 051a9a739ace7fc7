// How the healing chain treats a CI failure: where it reports (an issue, or a comment on the agent's PR),
// whether it may commit its fix on the agent's PR branch, and what the built-in evaluator knows of C1–C6.
// Read from the same `remediation` block of cto-config.json as the other incident settings.
import type { EvaluationCategory } from '../incident/schemas';

export interface CiRemediationSettings {
  /** `issue`: open an issue as for any incident; `pr-comment`: comment on the agent's PR instead. */
  report: 'issue' | 'pr-comment';
  /** Commit the fix on the agent's PR branch (else Healer opens a PR of its own on `healer/<incident>`). */
  commitToPrBranch: boolean;
}

export const DEFAULT_CI_REMEDIATION: CiRemediationSettings = { report: 'issue', commitToPrBranch: false };

const pick = (raw: Record<string, unknown>, key: string, snake: string): unknown => raw[key] ?? raw[snake];

/** `ciReport` / `ci_report` and `ciCommitToPrBranch` / `ci_commit_to_pr_branch`; bad values keep the default with a warning. */
export function parseCiRemediation(raw: Record<string, unknown> | undefined): {
  settings: CiRemediationSettings;
  warnings: string[];
} {
  const source = raw ?? {};
  const warnings: string[] = [];
  const settings = { ...DEFAULT_CI_REMEDIATION };
  const report = pick(source, 'ciReport', 'ci_report');
  if (report === 'issue' || report === 'pr-comment') settings.report = report;
  else if (report !== undefined) warnings.push('remediation.ciReport: expected "issue" or "pr-comment", using issue');
  const commit = pick(source, 'ciCommitToPrBranch', 'ci_commit_to_pr_branch');
  if (typeof commit === 'boolean') settings.commitToPrBranch = commit;
  else if (commit !== undefined) warnings.push('remediation.ciCommitToPrBranch: expected true or false, using false');
  return { settings, warnings };
}

/** The built-in evaluator's knowledge of CI failures (used without a model, like the other codes' rules). */
export const CI_EVALUATION_RULES: Record<string, { category: EvaluationCategory; cause: string; fix: string }> = {
  C1: {
    category: 'code',
    cause: 'The CI build failed: the code does not compile or type-check.',
    fix: 'Fix the first compiler error shown in the job log (later errors often follow from it) and build locally before pushing.',
  },
  C2: {
    category: 'code',
    cause: 'Tests failed in CI.',
    fix: 'Run the failing test named in the job log locally, fix the code under test (or the test if its expectation is wrong) and push.',
  },
  C3: {
    category: 'code',
    cause: 'A lint or format check failed in CI.',
    fix: 'Run the linter/formatter with its fix option (eslint --fix, prettier --write, cargo fmt, ruff --fix) and commit the result.',
  },
  C4: {
    category: 'configuration',
    cause: 'Dependencies could not be resolved or installed in CI.',
    fix: 'Update the manifest and the lock file together (npm install, cargo update, go mod tidy) or pin the conflicting version.',
  },
  C5: {
    category: 'infrastructure',
    cause: 'The CI job failed for infrastructure reasons (out of memory, runner lost or timed out, network).',
    fix: 'Re-run the job; if it repeats, raise the runner size or job timeout, or reduce parallelism and memory use.',
  },
  C6: {
    category: 'auth',
    cause: 'The CI job lacks a permission or secret it needs.',
    fix: "Check the workflow's permissions block and the secrets it reads (present, not expired, available to this event).",
  },
};
