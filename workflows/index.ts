// Bundle entry: every workflow the `healer` task queue runs.
export { playSession } from './session/session';
export { sessionLogStore } from './session/log-store';
export { modelHealth } from './model/model-health';
export { budget } from './model/budget';
export { watchdog, playbook, auditMirror } from './watchdog/watchdog';
export { incident } from './incident/incident';
export { ciRunIntake } from './ci/intake';
export { ciPoller } from './ci/poller';
