// Every Temporal call the API makes gets a deadline: a few seconds for reads and signals, more for
// starts and updates; a deadline the caller set stays.
import type { InterceptorOptions, NextCall } from '@grpc/grpc-js';
import { deadlineInterceptor } from '../../../api/temporal-deadlines';

/** The deadline the interceptor hands on for `method` (given `deadline` from the caller). */
function deadlineFor(method: string, deadline?: number): number | Date | undefined {
  let seen: InterceptorOptions | undefined;
  const next = ((options: InterceptorOptions) => {
    seen = options;
    return { start: () => undefined } as unknown as ReturnType<NextCall>;
  }) as NextCall;
  const options = {
    deadline,
    method_definition: { path: `/temporal.api.workflowservice.v1.WorkflowService/${method}` },
  };
  deadlineInterceptor({ readMs: 1000, writeMs: 9000 })(options as unknown as InterceptorOptions, next);
  return seen?.deadline as number | undefined;
}

test.each([
  ['QueryWorkflow', 1000],
  ['SignalWorkflowExecution', 1000],
  ['SignalWithStartWorkflowExecution', 1000],
  ['ListWorkflowExecutions', 1000],
  ['DescribeNamespace', 1000],
  ['StartWorkflowExecution', 9000],
  ['UpdateWorkflowExecution', 9000],
  ['PollWorkflowExecutionUpdate', 9000],
])('%s gets a deadline of %i ms', (method, ms) => {
  const before = Date.now();
  const deadline = deadlineFor(method) as number;
  expect(deadline).toBeGreaterThanOrEqual(before + ms);
  expect(deadline).toBeLessThanOrEqual(Date.now() + ms);
});

test('a deadline the caller set is kept', () => {
  expect(deadlineFor('QueryWorkflow', 42)).toBe(42);
});
