// How an intake is started, by a webhook delivery (client) or by the poller (child): the run attempt's
// fixed id, a summary and the repository as a search attribute, so a person finds it in the Temporal UI.
import { WorkflowIdReusePolicy } from '@temporalio/common';
import { ciRunWorkflowId, searchAttributes, TASK_QUEUE, type CiRunIntakeInput } from '../contract';

export function ciRunIntakeStart(input: CiRunIntakeInput, taskQueue = TASK_QUEUE) {
  return {
    workflowId: ciRunWorkflowId(input.repo, input.runId, input.runAttempt),
    taskQueue,
    args: [input] as [CiRunIntakeInput],
    // A finished intake is not run again for a redelivered event (within the namespace's retention).
    workflowIdReusePolicy: WorkflowIdReusePolicy.REJECT_DUPLICATE,
    staticSummary: `CI run ${input.runId} (${input.runAttempt ? `attempt ${input.runAttempt}` : 'latest attempt'}) of ${input.repo}, via ${input.via}`,
    typedSearchAttributes: [{ key: searchAttributes.repository, value: input.repo }],
  };
}
