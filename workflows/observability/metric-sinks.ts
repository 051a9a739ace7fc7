// What workflows report to their worker's metrics. Workflows cannot touch a metrics registry (no I/O in
// the sandbox), so these go through a Temporal sink: a call the worker runs outside the sandbox, never
// during replay, so a workflow replayed after a cache eviction does not count twice.
import type { Sinks } from '@temporalio/workflow';

export interface HealerMetricSinks extends Sinks {
  healerMetrics: {
    sessionStarted(kind: 'play' | 'platform'): void;
    sessionEnded(kind: 'play' | 'platform', status: string): void;
    incidentOpened(code: string): void;
    incidentFinished(outcome: string, code: string): void;
    playbookFinished(playbook: string, outcome: string): void;
    heartbeatReceived(component: string): void;
    /** Occurrences a session recorded from one batch it had not seen (a re-sent batch is not counted). */
    detectionsRecorded(code: string, source: string, occurrences: number): void;
  };
}
