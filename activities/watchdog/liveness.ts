// Before a restart: is the component really dead? Silence is not death when Temporal was what failed.
// It is alive if it has sent a heartbeat since this recovery began (by its own clock: the watchdog may
// handle a beat late when it is busy, which must not pass for a sign of life), or (under `healer dev`) its
// process is running and kept trying to heartbeat: its beats were lost on the way, so restarting it
// would fix nothing. A component that heartbeats but does not progress (stuck) is restarted anyway.
// Reading the watchdog's view is also the Temporal reachability check: it throws while Temporal is away,
// so the step retries instead of restarting anything blind.
import type { Client } from '@temporalio/client';
import type { StepContext } from '../../core/watchdog/playbook/types';
import { watchdogStatusQuery } from '../../core/contract';
import type { SupervisorComponent } from './restart';

export interface LivenessDeps {
  /** Reads the watchdog's view (unset: that check is skipped). */
  client?: Client;
  /** Attempts this recent count as "still trying" (default 15 s: a 10 s heartbeat, late by half). */
  aliveWithinMs?: number;
  now?: () => Date;
}

/** Why the component must not be restarted (it is alive), or undefined when it should be. */
export async function aliveReason(
  deps: LivenessDeps,
  component: string,
  context: StepContext,
  supervised?: SupervisorComponent,
): Promise<string | undefined> {
  const now = (deps.now ?? (() => new Date()))().getTime();
  if (deps.client) {
    const view = await deps.client.workflow.getHandle(context.watchdogWorkflowId).query(watchdogStatusQuery);
    const seen = view.components.find((c) => c.name === component);
    if (seen?.stuckSince) return undefined;
    const sentAt = seen?.lastSentAt ?? seen?.lastHeartbeatAt;
    if (sentAt && Date.parse(sentAt) > Date.parse(context.runStartedAt))
      return `it sent a heartbeat at ${sentAt}, after this recovery began`;
  }
  const triedAt = supervised?.lastHeartbeatAttemptAt ? Date.parse(supervised.lastHeartbeatAttemptAt) : NaN;
  if (supervised?.running && now - triedAt < (deps.aliveWithinMs ?? 15_000)) {
    const delivered = supervised.lastHeartbeatDeliveredAt === supervised.lastHeartbeatAttemptAt;
    return `its process (pid ${supervised.pid}) is running and tried to heartbeat at ${supervised.lastHeartbeatAttemptAt} (${delivered ? 'delivered' : 'not delivered: Temporal was unreachable from it'})`;
  }
  return undefined;
}
