// Metrics every worker process records where the work happens: each activity's duration and outcome
// (the steps of the healing chain, model calls, playbook actions), the watchdog's restarts and
// escalations (from those activities' results), and what workflows report through the `healerMetrics`
// sink (sessions, incidents, playbook runs, heartbeats; see workflows/observability/).
import type { Context } from '@temporalio/activity';
import type { ActivityInboundCallsInterceptor, ActivityInterceptorsFactory, InjectedSinks } from '@temporalio/worker';
import type { HealerMetricSinks } from '../workflows/observability/metric-sinks';
import type { HealerMetrics } from '../runtime/metrics';

export function workflowMetricSinks(metrics: HealerMetrics): InjectedSinks<HealerMetricSinks> {
  const sink = <A extends unknown[]>(fn: (...args: A) => void) => ({ fn: (_info: unknown, ...args: A) => fn(...args) });
  return {
    healerMetrics: {
      sessionStarted: sink((kind: string) => metrics.sessionsStarted.inc({ kind })),
      sessionEnded: sink((kind: string, status: string) => metrics.sessionsEnded.inc({ kind, status })),
      incidentOpened: sink((code: string) => metrics.incidents.inc({ outcome: 'opened', code })),
      incidentFinished: sink((outcome: string, code: string) => metrics.incidents.inc({ outcome, code })),
      playbookFinished: sink((playbook: string, outcome: string) => metrics.playbookRuns.inc({ playbook, outcome })),
      heartbeatReceived: sink((component: string) => metrics.watchdogHeartbeats.inc({ sender: component })),
      detectionsRecorded: sink((code: string, source: string, occurrences: number) =>
        metrics.detectionsRecorded.inc({ code, source }, occurrences),
      ),
    },
  };
}

type RestartResult = { component?: string; alreadyApplied?: boolean; skipped?: unknown };

/** Watchdog activities whose results are counted beyond their duration. */
function countWatchdogResult(metrics: HealerMetrics, activity: string, input: unknown, result: unknown, ok: boolean) {
  if (activity === 'restartComponent') {
    const r = result as RestartResult | undefined;
    const component = r?.component ?? (input as { params?: { component?: string } })?.params?.component ?? 'unknown';
    const outcome = !ok ? 'failed' : r?.skipped ? 'skipped' : r?.alreadyApplied ? 'already-applied' : 'restarted';
    metrics.watchdogRestarts.inc({ target: component, outcome });
  }
  if (activity === 'escalate') metrics.watchdogEscalations.inc({ outcome: ok ? 'sent' : 'failed' });
}

/** Times every activity this worker runs; the outcome is ok or the error's name. */
export function activityMetrics(metrics: HealerMetrics): ActivityInterceptorsFactory {
  return (ctx: Context) => {
    const inbound: ActivityInboundCallsInterceptor = {
      async execute(input, next) {
        const { activityType, taskQueue } = ctx.info;
        const started = process.hrtime.bigint();
        const observe = (outcome: string) =>
          metrics.chainStepDuration.observe(
            { step: activityType, task_queue: taskQueue, outcome },
            Number(process.hrtime.bigint() - started) / 1e9,
          );
        try {
          const result = await next(input);
          observe('ok');
          countWatchdogResult(metrics, activityType, input.args[0], result, true);
          return result;
        } catch (error) {
          observe((error as Error)?.name ?? 'error');
          countWatchdogResult(metrics, activityType, input.args[0], undefined, false);
          throw error;
        }
      },
    };
    return { inbound };
  };
}
