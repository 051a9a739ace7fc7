// Workflow bundle for the model-gateway benchmark: the gateway's entity workflows and a caller.
import { proxyActivities } from '@temporalio/workflow';
import type { StructuredRequest, StructuredResult } from '../../core/model/request';
import { generateStructuredOptions } from '../../core/model/activity-options';
import type { ModelActivities } from '../../activities/model';

export { modelHealth } from '../../workflows/model/model-health';
export { budget } from '../../workflows/model/budget';

export async function benchModelCall(
  request: StructuredRequest,
  taskQueue: string,
): Promise<StructuredResult<unknown>> {
  const { generateStructured } = proxyActivities<ModelActivities>({ ...generateStructuredOptions(), taskQueue });
  return generateStructured(request);
}
