// Default implementations of the MCP server's optional functions that need only Temporal and the
// message contract: the human gate (updates on the incident workflow) and the watchdog's query.
import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import {
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

/** approve/reject: the incident's `approve`/`reject` update; refused decisions are a 409 with the step. */
export function createIncidentDecisions(client: Client): Required<Pick<McpDeps, 'approveIncident' | 'rejectIncident'>> {
  const decide = (decision: 'approved' | 'rejected') => async (incidentId: string, input: ApprovalInput) => {
    const update = decision === 'approved' ? approveUpdate : rejectUpdate;
    let outcome: { accepted: boolean; step: string };
    try {
      outcome = await client.workflow.getHandle(incidentId).executeUpdate(update, { args: [input] });
    } catch (error) {
      if (isNotFound(error)) throw notFound(`incident ${incidentId}`);
      throw error;
    }
    if (!outcome.accepted)
      throw conflict(`incident ${incidentId} is not waiting for a decision (step ${outcome.step})`);
    return { incidentId, decision, step: outcome.step };
  };
  return { approveIncident: decide('approved'), rejectIncident: decide('rejected') };
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
