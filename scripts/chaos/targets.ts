// The targets for a run under faults, checked against its numbers (and the no-fault baseline),
// and the table `npm run chaos` prints.
import type { ChaosRunResult } from './scenario';

export interface TargetCheck {
  target: string;
  value: number | string;
  met: boolean;
}

const sum = (values: Record<string, number>) => Object.values(values).reduce((a, b) => a + b, 0);

export function evaluateTargets(faults: ChaosRunResult, baseline?: ChaosRunResult): TargetCheck[] {
  const checks: TargetCheck[] = [
    {
      target: 'incidents finished = total',
      value: `${faults.incidents.finished}/${faults.incidents.expected}`,
      met: faults.incidents.finished === faults.incidents.expected,
    },
    {
      target: '0 duplicates (issues, PRs, branches, comments)',
      value: sum(faults.duplicates),
      met: sum(faults.duplicates) === 0,
    },
    { target: '0 acknowledged lines lost', value: faults.lines.lost, met: faults.lines.lost === 0 },
    {
      target: '0 infrastructure escalations',
      value: faults.incidents.escalatedForInfrastructure,
      met: faults.incidents.escalatedForInfrastructure === 0,
    },
  ];
  for (const name of ['worker', 'llm-worker']) {
    const restart = faults.restartMs[name];
    if (restart) checks.push({ target: `${name} restart < 5 s (max)`, value: restart.max, met: restart.max < 5000 });
  }
  if (baseline && baseline.durationMs.n > 0) {
    const ratio = Math.round((faults.durationMs.p50 / baseline.durationMs.p50) * 100) / 100;
    checks.push({ target: 'incident p50 under faults ≤ 1.5× baseline', value: ratio, met: ratio <= 1.5 });
  }
  return checks;
}

/** `p50/max` in seconds, or `-` when nothing was measured. */
const seconds = (s?: { n: number; p50: number; max: number }): string =>
  s && s.n > 0 ? `${(s.p50 / 1000).toFixed(1)}/${(s.max / 1000).toFixed(1)}` : '-';

export function printTable(
  results: Record<string, ChaosRunResult>,
  checks: TargetCheck[],
  print: (line: string) => void,
): void {
  const runs = Object.values(results);
  const row = (label: string, cell: (r: ChaosRunResult) => unknown) =>
    print(`${label.padEnd(34)}${runs.map((r) => String(cell(r)).padStart(16)).join('')}`);
  row('', (r) => r.label);
  row('incidents finished / total', (r) => `${r.incidents.finished}/${r.incidents.expected}`);
  row('duplicate issues/PRs/branches/cmts', (r) => Object.values(r.duplicates).join('/'));
  row('acked detections lost', (r) => r.lines.lost);
  row('acked / applied detections', (r) => `${r.lines.acknowledgedDetections}/${r.lines.appliedDetections}`);
  row('escalated (infrastructure)', (r) => r.incidents.escalatedForInfrastructure);
  row('incident p50 / max (s)', (r) => seconds(r.durationMs));
  for (const name of ['worker', 'llm-worker', 'temporal'])
    row(`${name} death → restart p50/max (s)`, (r) => seconds(r.restartMs[name]));
  for (const name of ['worker', 'llm-worker']) row(`${name} boot p50/max (s)`, (r) => seconds(r.bootMs[name]));
  row(
    'kills',
    (r) =>
      Object.entries(r.kills)
        .map(([k, n]) => `${k}:${n}`)
        .join(' ') || '-',
  );
  print('');
  for (const check of checks) print(`${check.met ? 'met ' : 'MISS'}  ${check.target}: ${check.value}`);
}
