// Which failed runs Healer takes on. Runs of bots it was told to ignore, commits that opt out with
// `[skip healer]`, Healer's own remediation branches (those runs are its verification loop) and runs a
// later run of the same workflow and branch already fixed are skipped, each with the reason.
import { isFailedConclusion, type CiRunSummary } from './run';

export interface CiScopeRules {
  /** Logins whose runs are not Healer's business (e.g. `dependabot[bot]`); compared case-insensitively. */
  ignoredActors: readonly string[];
  /** Commit message marker that opts a push out. */
  skipMarker: string;
  /** Branch prefix of Healer's own remediation PRs. */
  ownBranchPrefix: string;
}

export const DEFAULT_SKIP_MARKER = '[skip healer]';
export const HEALER_BRANCH_PREFIX = 'healer/';
export const DEFAULT_IGNORED_ACTORS: readonly string[] = ['dependabot[bot]', 'renovate[bot]'];

export type ScopeVerdict = { inScope: true } | { inScope: false; reason: string };

/** The checks that need nothing but the run itself. */
export function scopeOfRun(run: CiRunSummary, rules: CiScopeRules): ScopeVerdict {
  if (run.status !== 'completed') return { inScope: false, reason: `run ${run.id} is ${run.status}, not completed` };
  if (!isFailedConclusion(run.conclusion))
    return { inScope: false, reason: `run ${run.id} concluded ${run.conclusion ?? 'without a conclusion'}` };
  const ignored = rules.ignoredActors.map((login) => login.toLowerCase());
  for (const actor of [run.triggeringActor, run.actor]) {
    if (actor && ignored.includes(actor.toLowerCase()))
      return { inScope: false, reason: `run ${run.id} was triggered by ${actor}, an ignored actor` };
  }
  if (run.headCommitMessage?.toLowerCase().includes(rules.skipMarker.toLowerCase()))
    return { inScope: false, reason: `the head commit of run ${run.id} carries ${rules.skipMarker}` };
  if (run.headBranch.startsWith(rules.ownBranchPrefix))
    return {
      inScope: false,
      reason: `run ${run.id} is on Healer's own branch ${run.headBranch} (its verification loop)`,
    };
  return { inScope: true };
}

/** A later completed run of the same workflow and branch that succeeded: the failure is already fixed. */
export function fixedByLaterRun(run: CiRunSummary, others: readonly CiRunSummary[]): CiRunSummary | undefined {
  return others.find(
    (other) =>
      other.workflowId === run.workflowId &&
      other.headBranch === run.headBranch &&
      other.runNumber > run.runNumber &&
      other.status === 'completed' &&
      other.conclusion === 'success',
  );
}
