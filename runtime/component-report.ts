// What a component tells the `healer dev` supervisor that started it, over the IPC channel the supervisor
// opens: each heartbeat attempt and whether it got through. The first one delivered means "up" (the
// supervisor's back-off starts over); attempts that fail mean "alive, but Temporal is unreachable", which
// the watchdog's restart step asks about before restarting anything.

export interface HeartbeatReport {
  healer: 'heartbeat';
  component: string;
  /** When the attempt finished (ISO). */
  at: string;
  delivered: boolean;
}

export function isHeartbeatReport(message: unknown): message is HeartbeatReport {
  const m = message as Partial<HeartbeatReport> | null;
  return typeof m === 'object' && m !== null && m.healer === 'heartbeat' && typeof m.at === 'string';
}

/** Tell the supervisor, when there is one (no IPC channel: not started by a supervisor, nothing to do). */
export function reportToSupervisor(report: HeartbeatReport): void {
  if (!process.send || !process.connected) return;
  // The callback swallows a channel closed under us (the supervisor is stopping): a report is best-effort.
  process.send(report, undefined, {}, () => undefined);
}
