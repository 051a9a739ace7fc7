// Test bundle: the incident workflow with the model gateway's shared-state workflows (breakers, budget),
// so the chain can run against the real gateway activity.
export { incident } from '../../../workflows/incident/incident';
export { modelHealth } from '../../../workflows/model/model-health';
export { budget } from '../../../workflows/model/budget';
