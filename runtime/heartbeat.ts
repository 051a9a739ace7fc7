// Heartbeats from a Healer component to its watchdog: every 10 s, signal-with-start on
// `watchdog-<namespace>` (task queue healer-watchdog), carrying progress counters so the watchdog can
// tell "up but stuck" from "working". A failed send is retried after 1 s (not 10) and never stops the
// component doing its job. The component records when it last *tried* and when a beat last got
// through: the first beat delivered after failures says since when it had been failing, so the
// watchdog does not take Temporal's outage for the component's death, and under `healer dev` each
// attempt is reported to the supervisor (runtime/component-report.ts).
import { randomUUID } from 'node:crypto';
import type { Client } from '@temporalio/client';
import { WATCHDOG_TASK_QUEUE, watchdogWorkflowId } from '../core/contract';
import { heartbeatSignal, type Heartbeat, type WatchdogInput } from '../core/contract';
import { reportToSupervisor } from './component-report';

export interface HeartbeatOptions {
  client: Client;
  namespace: string;
  component: string;
  instanceId?: string;
  version?: string;
  intervalMs?: number;
  /** After a failed send, try again this soon (default 1 s, at most the interval). */
  retryMs?: number;
  /** Deadline of one send (default 5 s, at most the interval): a hung server must not pile sends up. */
  sendTimeoutMs?: number;
  /** Current progress counters, e.g. `{ cursor, hasNewData }` for the scanner. */
  progress?: () => Heartbeat['progress'] | Promise<Heartbeat['progress']>;
  /** Input used if the watchdog does not exist yet. */
  watchdogInput?: Partial<WatchdogInput>;
  taskQueue?: string;
  onError?: (error: unknown) => void;
}

/** When this component last tried to heartbeat and when a beat last got through (ISO times). */
export interface HeartbeatStatus {
  lastAttemptAt?: string;
  lastDeliveredAt?: string;
  /** First failed attempt since the last delivered one. */
  failingSince?: string;
}

export interface HeartbeatSender {
  readonly instanceId: string;
  /** Send one heartbeat now (resolves when the server accepted it). */
  beat(): Promise<void>;
  status(): HeartbeatStatus;
  /** Stop sending; resolves once a heartbeat still in flight has settled (close the connection after). */
  stop(): Promise<void>;
}

export function startHeartbeat(options: HeartbeatOptions): HeartbeatSender {
  const instanceId = options.instanceId ?? `${options.component}-${randomUUID().slice(0, 8)}`;
  const workflowId = watchdogWorkflowId(options.namespace);
  const intervalMs = options.intervalMs ?? 10_000;
  const retryMs = Math.min(options.retryMs ?? 1000, intervalMs);
  const sendTimeoutMs = Math.min(options.sendTimeoutMs ?? 5000, Math.max(intervalMs, 1000));
  const onError =
    options.onError ??
    ((error: unknown) => console.warn(`heartbeat from ${options.component} failed: ${(error as Error).message}`));
  const status: HeartbeatStatus = {};
  let stopped = false;
  let inFlight: Promise<void> = Promise.resolve();
  let timer: NodeJS.Timeout | undefined;

  async function send(): Promise<void> {
    const progress = options.progress ? await options.progress() : undefined;
    const heartbeat: Heartbeat = {
      component: options.component,
      instanceId,
      ...(options.version ? { version: options.version } : {}),
      sentAt: new Date().toISOString(),
      ...(progress ? { progress } : {}),
      ...(status.failingSince ? { failingSince: status.failingSince } : {}),
    };
    await options.client.withDeadline(Date.now() + sendTimeoutMs, () =>
      options.client.workflow.signalWithStart('watchdog', {
        workflowId,
        taskQueue: options.taskQueue ?? WATCHDOG_TASK_QUEUE,
        args: [{ namespace: options.namespace, ...options.watchdogInput }],
        signal: heartbeatSignal,
        signalArgs: [heartbeat],
        staticSummary: `Healer watchdog for namespace ${options.namespace}: heartbeats, recovery playbooks, bounded restarts`,
      }),
    );
  }

  /** One attempt, recorded whatever its outcome. */
  async function beat(): Promise<void> {
    try {
      await send();
    } catch (error) {
      const at = new Date().toISOString();
      status.lastAttemptAt = at;
      status.failingSince ??= at;
      reportToSupervisor({ healer: 'heartbeat', component: options.component, at, delivered: false });
      throw error;
    }
    const at = new Date().toISOString();
    Object.assign(status, { lastAttemptAt: at, lastDeliveredAt: at, failingSince: undefined });
    reportToSupervisor({ healer: 'heartbeat', component: options.component, at, delivered: true });
  }

  const tick = (): void => {
    if (stopped) return;
    inFlight = beat().then(
      () => schedule(intervalMs),
      (error: unknown) => {
        onError(error);
        schedule(retryMs);
      },
    );
  };
  const schedule = (delayMs: number): void => {
    if (stopped) return;
    timer = setTimeout(tick, delayMs);
    timer.unref();
  };
  tick();
  return {
    instanceId,
    beat,
    status: () => ({ ...status }),
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await inFlight;
    },
  };
}
