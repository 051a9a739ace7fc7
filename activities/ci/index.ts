// The GitHub Actions activities (CI intake and CI verification) as configured: Octokit with the token,
// or, without one, the runs recorded under <state dir>/dry-run/actions (see dry-run.ts).
import { join } from 'node:path';
import type { Octokit } from '@octokit/rest';
import { octokitActionsReader, type ActionsReader } from './actions';
import { dryRunActionsReader } from './dry-run';
import { createCiIntakeActivities, type CiIntakeDeps } from './intake';
import { createCiVerificationActivities } from './verification';

/** Where runs are recorded for a dry run, under the state directory. */
export const dryRunActionsDir = (stateDir: string): string => join(stateDir, 'dry-run', 'actions');

export function actionsReader(octokit: Octokit | null, stateDir: string): ActionsReader {
  return octokit ? octokitActionsReader(octokit) : dryRunActionsReader(dryRunActionsDir(stateDir));
}

export interface CiActivityDeps extends Omit<CiIntakeDeps, 'reader'> {
  octokit: Octokit | null;
  stateDir: string;
}

export function createCiActivities(deps: CiActivityDeps) {
  const { octokit, stateDir, ...intake } = deps;
  const reader = actionsReader(octokit, stateDir);
  return {
    ...createCiIntakeActivities({ ...intake, reader }),
    ...createCiVerificationActivities({ reader, stateDir }),
  };
}

export type CiActivities = ReturnType<typeof createCiActivities>;
