// Default implementations of the MCP server's optional functions that need only Temporal and the
// message contract: the human gate (updates on the incident workflow) and the watchdog's query.
import { WorkflowNotFoundError, WorkflowUpdateFailedError, type Client } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import {
  DECISION_REFUSED_FAILURE,
  DEFAULT_K8S_NAMESPACE,
  approveUpdate,
  rejectUpdate,
  watchdogWorkflowId,
  type ApprovalInput,
} from '../../core/contract';
import { watchdogStatusQuery } from '../../core/contract';
import { conflict, notFound } from '../errors';
import type { McpDeps } from './server';

const isNotFound = (error: unknown) =>
  error instanceof WorkflowNotFoundError || (error as { name?: string })?.name === 'WorkflowNotFoundError';

/** The update's validator refused the decision (the failure's message says why). */
const refusedBy = (error: unknown): ApplicationFailure | undefined =>
  error instanceof WorkflowUpdateFailedError &&
  error.cause instanceof ApplicationFailure &&
  error.cause.type === DECISION_REFUSED_FAILURE
    ? error.cause
    : undefined;

/**
 * approve/reject: the incident's `approve`/`reject` update. A decision that cannot apply (not at the
 * gate, already decided, finished) is a 409 saying why; an incident id that never ran is a 404.
 */
export function createIncidentDecisions(client: Client): Required<Pick<McpDeps, 'approveIncident' | 'rejectIncident'>> {
  const decide = (decision: 'approved' | 'rejected') => async (incidentId: string, input: ApprovalInput) => {
    const update = decision === 'approved' ? approveUpdate : rejectUpdate;
    const handle = client.workflow.getHandle(incidentId);
    try {
      const outcome = await handle.executeUpdate(update, { args: [input] });
      return { incidentId, decision, step: outcome.step };
    } catch (error) {
      const refusal = refusedBy(error);
      if (refusal) throw conflict(`incident ${incidentId} cannot be ${decision}: ${refusal.message}`);
      // The server answers "not found" for a closed workflow too: only an id that never ran is a 404.
      if (isNotFound(error)) throw (await closedStatus(client, incidentId)) ?? notFound(`incident ${incidentId}`);
      throw error;
    }
  };
  return { approveIncident: decide('approved'), rejectIncident: decide('rejected') };
}

/** A 409 for an incident that ran and is closed, or undefined when it never existed. */
async function closedStatus(client: Client, incidentId: string) {
  try {
    const { status } = await client.workflow.getHandle(incidentId).describe();
    return conflict(`incident ${incidentId} is finished (${status.name.toLowerCase()}): nothing waits for a decision`);
  } catch (error) {
    if (isNotFound(error)) return undefined;
    throw error;
  }
}

/** The watchdog's view for a Healer namespace (default `cto`). */
export function createWatchdogReader(
  client: Client,
  defaultNamespace = DEFAULT_K8S_NAMESPACE,
): NonNullable<McpDeps['watchdogState']> {
  return async (namespace = defaultNamespace) => {
    try {
      return await client.workflow.getHandle(watchdogWorkflowId(namespace)).query(watchdogStatusQuery);
    } catch (error) {
      if (isNotFound(error)) throw notFound(`watchdog for namespace ${namespace} (is \`healer watchdog\` running?)`);
      throw error;
    }
  };
}
