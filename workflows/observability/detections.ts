// Counts the detections a session records through the `healerMetrics` sink: one call per code and
// source of a batch the session had not seen. The worker runs sinks outside the sandbox and never on
// replay, so a batch counts once however often its sender re-sent it.
import { proxySinks } from '@temporalio/workflow';
import { occurrencesOf, type Detection } from '../../core/contract';
import type { HealerMetricSinks } from './metric-sinks';

const { healerMetrics } = proxySinks<HealerMetricSinks>();

export function countRecordedDetections(detections: Detection[]): void {
  const counts = new Map<string, { code: string; source: string; occurrences: number }>();
  for (const detection of detections) {
    const key = `${detection.code}\u0000${detection.source}`;
    const entry = counts.get(key) ?? { code: detection.code, source: detection.source, occurrences: 0 };
    entry.occurrences += occurrencesOf(detection);
    counts.set(key, entry);
  }
  for (const { code, source, occurrences } of counts.values())
    healerMetrics.detectionsRecorded(code, source, occurrences);
}
