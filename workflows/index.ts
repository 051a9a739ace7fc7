// Bundle entry: every workflow the `healer` task queue runs.
export { playSession } from './session';
export { modelHealth } from './model-health';
export { budget } from './budget';
export { watchdog, playbook } from './watchdog';
export { incident } from './incident';
