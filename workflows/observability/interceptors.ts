// Workflow interceptors (bundled with the workflows: runtime/workflow-bundle.ts) that report sessions,
// incidents, playbook runs and watchdog heartbeats to the worker's metrics through the `healerMetrics`
// sink. Counting happens around the workflow functions, so no workflow code changes and no command is
// added: histories and replays are unaffected.
import {
  ContinueAsNew,
  proxySinks,
  workflowInfo,
  type Next,
  type SignalInput,
  type WorkflowExecuteInput,
  type WorkflowInboundCallsInterceptor,
  type WorkflowInterceptors,
} from '@temporalio/workflow';
import { heartbeatSignal, PLATFORM_PLAY_ID_PREFIX } from '../../core/contract';
import type { HealerMetricSinks } from './metric-sinks';

const { healerMetrics } = proxySinks<HealerMetricSinks>();

type Counted = { status?: string; outcome?: string; playbook?: string } | undefined;

class MetricsInbound implements WorkflowInboundCallsInterceptor {
  async execute(input: WorkflowExecuteInput, next: Next<WorkflowInboundCallsInterceptor, 'execute'>): Promise<unknown> {
    const info = workflowInfo();
    const firstRun = info.continuedFromExecutionRunId === undefined;
    const kind = info.workflowId.startsWith(PLATFORM_PLAY_ID_PREFIX) ? 'platform' : 'play';
    const code = (input.args[0] as { detection?: { code?: string } } | undefined)?.detection?.code ?? 'unknown';
    if (firstRun && info.workflowType === 'playSession') healerMetrics.sessionStarted(kind);
    if (firstRun && info.workflowType === 'incident') healerMetrics.incidentOpened(code);
    try {
      const result = (await next(input)) as Counted;
      if (info.workflowType === 'playSession') healerMetrics.sessionEnded(kind, result?.status ?? 'unknown');
      if (info.workflowType === 'incident') healerMetrics.incidentFinished(result?.status ?? 'unknown', code);
      if (info.workflowType === 'playbook')
        healerMetrics.playbookFinished(result?.playbook ?? 'unknown', result?.outcome ?? 'unknown');
      return result;
    } catch (error) {
      // Continue-as-new is not an end; cancellation and failures of an incident are its outcome `failed`.
      if (!(error instanceof ContinueAsNew) && info.workflowType === 'incident')
        healerMetrics.incidentFinished('failed', code);
      throw error;
    }
  }

  handleSignal(input: SignalInput, next: Next<WorkflowInboundCallsInterceptor, 'handleSignal'>): Promise<void> {
    if (input.signalName === heartbeatSignal.name && workflowInfo().workflowType === 'watchdog') {
      const component = (input.args[0] as { component?: string } | undefined)?.component ?? 'unknown';
      healerMetrics.heartbeatReceived(component);
    }
    return next(input);
  }
}

export const interceptors = (): WorkflowInterceptors => ({ inbound: [new MetricsInbound()] });
