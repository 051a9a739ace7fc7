// One verdict from GitHub's two CI surfaces: check runs and commit statuses.

export interface CheckRunInfo {
  name: string;
  status: string; // queued | in_progress | completed | ...
  conclusion: string | null; // success | failure | neutral | cancelled | skipped | timed_out | action_required | stale
  summary?: string;
}
export interface CommitStatusInfo {
  context: string;
  state: string; // error | failure | pending | success
  description?: string;
}

export type CiVerdict = 'success' | 'failure' | 'pending' | 'none';
export interface CiState {
  verdict: CiVerdict;
  /** What failed, for the issue comment and the next remediation round. */
  failures: string[];
  total: number;
}

const PASSING = ['success', 'neutral', 'skipped'];

export function combineCi(checks: readonly CheckRunInfo[], statuses: readonly CommitStatusInfo[]): CiState {
  const failures: string[] = [];
  let pending = 0;
  for (const c of checks) {
    if (c.status !== 'completed') pending++;
    else if (!PASSING.includes(c.conclusion ?? ''))
      failures.push(`check ${c.name}: ${c.conclusion}${c.summary ? ` — ${c.summary}` : ''}`);
  }
  for (const s of statuses) {
    if (s.state === 'pending') pending++;
    else if (s.state !== 'success')
      failures.push(`status ${s.context}: ${s.state}${s.description ? ` — ${s.description}` : ''}`);
  }
  const total = checks.length + statuses.length;
  const verdict: CiVerdict =
    failures.length > 0 ? 'failure' : pending > 0 ? 'pending' : total === 0 ? 'none' : 'success';
  return { verdict, failures, total };
}
