// Kubernetes log timestamps in one comparable form (the scanner's pod-log source and the incident's log
// window both read them), kept apart from the Kubernetes client so neither caller loads it for this.

/** `2026-11-22T04:00:00.5Z` → `2026-11-22T04:00:00.500000000Z` so timestamps compare as strings. */
export function normaliseTimestamp(ts: string): string {
  const m = ts.match(/^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)(?:\.(\d+))?(Z|[+-]\d\d:\d\d)$/);
  if (!m) return ts;
  if (m[3] !== 'Z') return normaliseTimestamp(new Date(ts).toISOString());
  return `${m[1]}.${(m[2] ?? '').padEnd(9, '0').slice(0, 9)}Z`;
}
