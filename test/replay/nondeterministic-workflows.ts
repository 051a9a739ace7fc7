// Every Healer workflow with a deliberately non-deterministic edit: a timer before anything else.
// The replay test bundles this in place of the real workflows to prove the replay check catches such changes.
import { sleep } from '@temporalio/workflow';
import * as healer from '../../workflows';

const afterATimer =
  <Args extends unknown[], Result>(workflow: (...args: Args) => Promise<Result>) =>
  async (...args: Args): Promise<Result> => {
    await sleep('1 second');
    return workflow(...args);
  };

// Exported under the real names: a workflow's type is its export name.
export const playSession = afterATimer(healer.playSession);
export const incident = afterATimer(healer.incident);
export const watchdog = afterATimer(healer.watchdog);
export const playbook = afterATimer(healer.playbook);
export const budget = afterATimer(healer.budget);
export const modelHealth = afterATimer(healer.modelHealth);
export const ciRunIntake = afterATimer(healer.ciRunIntake);
export const ciPoller = afterATimer(healer.ciPoller);
export const sessionLogStore = afterATimer(healer.sessionLogStore);
export const auditMirror = afterATimer(healer.auditMirror);
