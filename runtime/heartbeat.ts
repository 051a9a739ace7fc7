// Heartbeats from a Healer component to its watchdog: every 10 s, signal-with-start on
// `watchdog-<namespace>` (task queue healer-watchdog), carrying progress counters so the watchdog can
// tell "up but stuck" from "working". A failed send is logged and retried on the next tick: the
// component must never stop doing its job because the watchdog is unreachable.
import { randomUUID } from 'node:crypto';
import type { Client } from '@temporalio/client';
import { WATCHDOG_TASK_QUEUE, watchdogWorkflowId } from '../core/contract';
import { heartbeatSignal, type Heartbeat, type WatchdogInput } from '../core/contract';

export interface HeartbeatOptions {
  client: Client;
  namespace: string;
  component: string;
  instanceId?: string;
  version?: string;
  intervalMs?: number;
  /** Current progress counters, e.g. `{ cursor, hasNewData }` for the scanner. */
  progress?: () => Heartbeat['progress'] | Promise<Heartbeat['progress']>;
  /** Input used if the watchdog does not exist yet. */
  watchdogInput?: Partial<WatchdogInput>;
  taskQueue?: string;
  onError?: (error: unknown) => void;
}

export interface HeartbeatSender {
  readonly instanceId: string;
  /** Send one heartbeat now (resolves when the server accepted it). */
  beat(): Promise<void>;
  /** Stop sending; resolves once a heartbeat still in flight has settled (close the connection after). */
  stop(): Promise<void>;
}

export function startHeartbeat(options: HeartbeatOptions): HeartbeatSender {
  const instanceId = options.instanceId ?? `${options.component}-${randomUUID().slice(0, 8)}`;
  const workflowId = watchdogWorkflowId(options.namespace);
  const onError =
    options.onError ??
    ((error: unknown) => console.warn(`heartbeat from ${options.component} failed: ${(error as Error).message}`));
  let stopped = false;
  let inFlight: Promise<void> = Promise.resolve();

  async function beat(): Promise<void> {
    const progress = options.progress ? await options.progress() : undefined;
    const heartbeat: Heartbeat = {
      component: options.component,
      instanceId,
      ...(options.version ? { version: options.version } : {}),
      sentAt: new Date().toISOString(),
      ...(progress ? { progress } : {}),
    };
    await options.client.workflow.signalWithStart('watchdog', {
      workflowId,
      taskQueue: options.taskQueue ?? WATCHDOG_TASK_QUEUE,
      args: [{ namespace: options.namespace, ...options.watchdogInput }],
      signal: heartbeatSignal,
      signalArgs: [heartbeat],
      staticSummary: `Healer watchdog for namespace ${options.namespace}: heartbeats, recovery playbooks, bounded restarts`,
    });
  }

  const tick = (): void => {
    if (stopped) return;
    inFlight = beat().catch(onError);
  };
  tick();
  const timer = setInterval(tick, options.intervalMs ?? 10_000);
  timer.unref();
  return {
    instanceId,
    beat,
    async stop() {
      stopped = true;
      clearInterval(timer);
      await inFlight;
    },
  };
}
