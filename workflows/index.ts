// Bundle entry: every workflow the `healer` task queue runs.
export { playSession } from './session';
