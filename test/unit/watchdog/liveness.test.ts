// Before restarting, the restart step checks the component is really dead: under `healer dev` the
// supervisor's record of its heartbeat attempts tells "alive, Temporal unreachable" from "dead".
import { aliveReason } from '../../../activities/watchdog/liveness';
import type { StepContext } from '../../../core/watchdog/playbook/types';

const context: StepContext = {
  playbook: 'emergency_healer_recovery',
  run: 'pb-1',
  stepId: 'force_restart',
  namespace: 'cto',
  watchdogWorkflowId: 'watchdog-cto',
  key: 'pb-1/force_restart/worker',
  runStartedAt: '2026-01-01T00:01:00.000Z',
  now: '2026-01-01T00:01:01.000Z',
  sloExceeded: false,
  steps: [],
};
const now = () => new Date('2026-01-01T00:01:05.000Z');

test('a running process that kept trying to heartbeat is alive: its beats were lost, not its life', async () => {
  const reason = await aliveReason({ now }, 'worker', context, {
    name: 'worker',
    running: true,
    pid: 42,
    lastHeartbeatAttemptAt: '2026-01-01T00:01:04.000Z',
    lastHeartbeatDeliveredAt: '2026-01-01T00:00:10.000Z',
  });
  expect(reason).toMatch(/pid 42\) is running and tried to heartbeat at .*\(not delivered: Temporal was unreachable/);
});

test('a process that is gone, or alive but no longer trying (hung), is restarted', async () => {
  const gone = { name: 'worker', running: false, lastHeartbeatAttemptAt: '2026-01-01T00:01:04.000Z' };
  expect(await aliveReason({ now }, 'worker', context, gone)).toBeUndefined();
  const hung = { name: 'worker', running: true, pid: 42, lastHeartbeatAttemptAt: '2026-01-01T00:00:30.000Z' };
  expect(await aliveReason({ now }, 'worker', context, hung)).toBeUndefined();
  expect(await aliveReason({ now }, 'worker', context)).toBeUndefined();
});
