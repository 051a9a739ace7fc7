// Workflow bundle for the model-gateway integration tests: the gateway's entity workflows plus a caller
// that schedules generateStructured the way the healing chain does.
import { proxyActivities } from '@temporalio/workflow';
import type { StructuredRequest, StructuredResult } from '../../core/model/request';
import { generateStructuredOptions, type GenerateStructuredTimeouts } from '../../core/model/activity-options';
import type { ModelActivities } from '../../activities/model';

export { modelHealth } from '../../workflows/model/model-health';
export { budget } from '../../workflows/model/budget';

export async function callModel(
  request: StructuredRequest,
  taskQueue: string,
  timeouts: GenerateStructuredTimeouts,
): Promise<StructuredResult<unknown>> {
  const { generateStructured } = proxyActivities<ModelActivities>({
    ...generateStructuredOptions(timeouts),
    taskQueue,
  });
  return generateStructured(request);
}
