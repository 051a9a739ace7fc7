// A session's last-known view, for when no worker answers its query (all workers down or busy): read
// from Temporal alone, so reads never wait on a live worker. The state is the one the current run
// started with (the session's input, plus everything carried by its last continue-as-new), and the
// search attributes the session keeps current (status, alert codes, worst severity) are laid over it.
import type { Client, WorkflowExecutionDescription } from '@temporalio/client';
import { decodeFromPayloadsAtIndex } from '@temporalio/common/lib/internal-non-workflow';
import { searchAttributes, type SessionStatus, type SessionView, type Severity } from '../../core/contract';
import { initialState, toView, type SessionState } from '../../core/session/state';
import type { playSession } from '../../workflows/session/session';

export interface StaleSessionView extends SessionView {
  stale: true;
  /** Why the live view could not be read. */
  staleReason: string;
  /** When the state shown was captured: the start of the current run (its last continue-as-new). */
  asOf: string;
}

type SessionRunInput = Parameters<typeof playSession>[0] & { carried?: SessionState };

/** The current run's input: the first event of its history (one event, one page). */
async function currentRunInput(client: Client, description: WorkflowExecutionDescription): Promise<SessionRunInput> {
  const { history } = await client.workflowService.getWorkflowExecutionHistory({
    namespace: client.options.namespace,
    execution: { workflowId: description.workflowId, runId: description.runId },
    maximumPageSize: 1,
  });
  const payloads = history?.events?.[0]?.workflowExecutionStartedEventAttributes?.input?.payloads;
  return decodeFromPayloadsAtIndex<SessionRunInput>(client.workflow.options.loadedDataConverter, 0, payloads);
}

export async function lastKnownSessionView(
  client: Client,
  description: WorkflowExecutionDescription,
  staleReason: string,
): Promise<StaleSessionView> {
  const input = await currentRunInput(client, description);
  const asOf = description.startTime.toISOString();
  const state = input.carried ?? initialState(input.session, asOf);
  const view = toView(input.session, state, description.workflowId);
  const attrs = description.typedSearchAttributes;
  const status = attrs.get(searchAttributes.status) as SessionStatus | undefined;
  const alertCodes = attrs.get(searchAttributes.alertCodes);
  const severity = attrs.get(searchAttributes.severity) as Severity | undefined;
  return {
    ...view,
    ...(status ? { status } : {}),
    ...(alertCodes ? { alertCodes } : {}),
    ...(severity ? { maxSeverity: severity } : {}),
    stale: true,
    staleReason,
    asOf,
  };
}
