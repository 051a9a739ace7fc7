// Pure watchdog decisions: a component's health from its heartbeats, bounded restarts with growing
// back-off, and what to do next (mutual restart, emergency recovery, give up and escalate, retry a
// component given up on). Silence while Temporal itself was away is not held against anyone.
// Times are epoch milliseconds passed in by the caller (the workflow's deterministic clock).

export interface WatchdogPolicy {
  silentAfterMs: number;
  stuckAfterMs: number;
  allSilentAfterMs: number;
  restartLimit: number;
  restartWindowMs: number;
  backoffBaseMs: number;
  backoffMaxMs: number;
  /** A timer this late means the watchdog itself could not run (Temporal or its worker was away). */
  outageGapMs?: number;
  /** A component given up on is tried again this long after (unset: never, the behaviour before). */
  retryFailedAfterMs?: number;
}

/** What the watchdog remembers about one component. Plain data (carried across continue-as-new). */
export interface TrackedComponent {
  name: string;
  instanceId?: string;
  version?: string;
  /** Last heartbeat (when the watchdog handled it), or when the watchdog started expecting the component. */
  lastHeartbeatMs: number;
  /** When the component sent its last heartbeat, by its own clock (the watchdog may handle it later). */
  lastSentAt?: string;
  heard: boolean;
  cursor?: string | number;
  hasNewData?: boolean;
  /** Last time the cursor moved (or there was nothing to do). */
  lastProgressMs: number;
  progress?: Record<string, unknown>;
  /** Start times of restarts (playbook runs that restarted it). */
  restarts: number[];
  /** Set while a playbook is restarting it. */
  restartingSinceMs?: number;
  instanceAtRestart?: string;
  cursorAtRestart?: string | number;
  /** A heartbeat proved it came back since the restart began (new instance or progress). */
  recoveredSinceRestart?: boolean;
  failedReason?: string;
  /** When it was given up on, or last tried again since. */
  failedAtMs?: number;
}

export interface HeartbeatData {
  component: string;
  instanceId: string;
  version?: string;
  sentAt?: string;
  progress?: { cursor?: string | number; hasNewData?: boolean; [counter: string]: unknown };
}

/** A stretch of time nobody could be heard: Temporal (or the watchdog's own worker) was away. */
export interface Outage {
  fromMs: number;
  toMs: number;
}

/**
 * Silence that overlapped an outage is no evidence of death: a component that was heartbeating when the
 * outage began gets a fresh silence clock from its end. One already silent before it keeps its clock.
 */
export function excuseOutage(t: TrackedComponent, outage: Outage | undefined, p: WatchdogPolicy): TrackedComponent {
  if (!outage || t.lastHeartbeatMs >= outage.toMs) return t;
  if (outage.fromMs - t.lastHeartbeatMs >= p.silentAfterMs) return t;
  return { ...t, lastHeartbeatMs: outage.toMs, lastProgressMs: Math.max(t.lastProgressMs, outage.toMs) };
}

/** The outage covering both (a later report of the same or an overlapping stretch widens it). */
export function mergeOutage(previous: Outage | undefined, next: Outage): Outage {
  if (!previous || previous.toMs < next.fromMs) return next;
  return { fromMs: Math.min(previous.fromMs, next.fromMs), toMs: Math.max(previous.toMs, next.toMs) };
}

/** When a component given up on is tried again (undefined: not failed, or never retried). */
export function failedRetryAtMs(t: TrackedComponent, p: WatchdogPolicy): number | undefined {
  if (!t.failedReason || p.retryFailedAfterMs === undefined) return undefined;
  return (t.failedAtMs ?? Math.max(t.lastHeartbeatMs, ...t.restarts)) + p.retryFailedAfterMs;
}

/** `starting`: expected but not heard from yet, still within the silence threshold. */
export type HealthState = 'starting' | 'healthy' | 'silent' | 'stuck' | 'restarting' | 'failed';

export function expectComponent(name: string, nowMs: number): TrackedComponent {
  return { name, lastHeartbeatMs: nowMs, heard: false, lastProgressMs: nowMs, restarts: [] };
}

export function applyHeartbeat(
  previous: TrackedComponent | undefined,
  hb: HeartbeatData,
  nowMs: number,
): TrackedComponent {
  const t: TrackedComponent = previous ? { ...previous } : expectComponent(hb.component, nowMs);
  const newInstance = t.instanceId !== undefined && t.instanceId !== hb.instanceId;
  const cursor = hb.progress?.cursor;
  const moved = cursor !== undefined && cursor !== t.cursor;
  if (!t.heard || newInstance || moved || hb.progress?.hasNewData !== true) t.lastProgressMs = nowMs;
  if (t.restartingSinceMs !== undefined) {
    const progressed = cursor !== undefined && cursor !== t.cursorAtRestart;
    if (hb.instanceId !== t.instanceAtRestart || progressed || t.instanceAtRestart === undefined)
      t.recoveredSinceRestart = true;
  }
  // A new instance of a component marked failed means someone (or something) brought it back.
  if (newInstance) t.failedReason = undefined;
  t.instanceId = hb.instanceId;
  t.version = hb.version ?? t.version;
  t.lastHeartbeatMs = nowMs;
  if (hb.sentAt) t.lastSentAt = hb.sentAt;
  t.heard = true;
  t.cursor = cursor;
  t.hasNewData = hb.progress?.hasNewData;
  t.progress = hb.progress;
  return t;
}

const isSilent = (t: TrackedComponent, nowMs: number, p: WatchdogPolicy): boolean =>
  nowMs - t.lastHeartbeatMs >= p.silentAfterMs;
const isStuck = (t: TrackedComponent, nowMs: number, p: WatchdogPolicy): boolean =>
  t.cursor !== undefined && t.hasNewData === true && nowMs - t.lastProgressMs >= p.stuckAfterMs;

export function healthState(t: TrackedComponent, nowMs: number, p: WatchdogPolicy): HealthState {
  if (t.failedReason) return 'failed';
  if (t.restartingSinceMs !== undefined) return 'restarting';
  if (isSilent(t, nowMs, p)) return 'silent';
  if (!t.heard) return 'starting';
  if (isStuck(t, nowMs, p)) return 'stuck';
  return 'healthy';
}

/** Heartbeating and progressing now; while being restarted, only once a heartbeat proved the restart. */
export function isHealthy(t: TrackedComponent, nowMs: number, p: WatchdogPolicy): boolean {
  if (!t.heard || t.failedReason || isSilent(t, nowMs, p) || isStuck(t, nowMs, p)) return false;
  return t.restartingSinceMs === undefined || t.recoveredSinceRestart === true;
}

export function restartsInWindow(restarts: number[], nowMs: number, p: WatchdogPolicy): number[] {
  return restarts.filter((at) => nowMs - at < p.restartWindowMs);
}

/** Back-off doubles with every restart in the window: base, 2×base, 4×base … capped at max. */
export function backoffMs(restartCount: number, p: WatchdogPolicy): number {
  if (restartCount <= 0) return 0;
  return Math.min(p.backoffMaxMs, p.backoffBaseMs * 2 ** (restartCount - 1));
}

export function nextRestartAllowedMs(restarts: number[], nowMs: number, p: WatchdogPolicy): number {
  const recent = restartsInWindow(restarts, nowMs, p);
  if (recent.length === 0) return nowMs;
  return Math.max(...recent) + backoffMs(recent.length, p);
}

export type WatchdogDecision =
  | { kind: 'mutual_restart'; component: string; healthy: string }
  | { kind: 'emergency'; components: string[] }
  | { kind: 'give_up'; components: string[]; reason: string };

export interface DecideInput {
  components: TrackedComponent[];
  nowMs: number;
  policy: WatchdogPolicy;
  /** A playbook of either kind is running. */
  emergencyRunning: boolean;
  /** Components some running playbook is handling. */
  busy: Set<string>;
  /** Start times of emergency runs (bounded like restarts). */
  emergencyRuns: number[];
}

export function decide({
  components,
  nowMs,
  policy,
  emergencyRunning,
  busy,
  emergencyRuns,
}: DecideInput): WatchdogDecision[] {
  if (emergencyRunning || components.length === 0) return [];
  const alive = components.filter((c) => !c.failedReason);
  // Given up on earlier and due to be tried again: the cause may have been transient.
  const retryDue = components.filter((c) => {
    const at = failedRetryAtMs(c, policy);
    return at !== undefined && nowMs >= at && !busy.has(c.name) && c.restartingSinceMs === undefined;
  });
  const decisions: WatchdogDecision[] = [];

  // Nobody is heartbeating: no healthy side is left to restart the others.
  const allSilent = components.every((c) => c.failedReason || nowMs - c.lastHeartbeatMs >= policy.allSilentAfterMs);
  if (allSilent && alive.length + retryDue.length > 0 && busy.size === 0) {
    const names = [...alive, ...retryDue].map((c) => c.name);
    const recent = restartsInWindow(emergencyRuns, nowMs, policy);
    if (alive.length > 0 && recent.length >= policy.restartLimit) {
      return [
        {
          kind: 'give_up',
          components: alive.map((c) => c.name),
          reason: `emergency recovery already ran ${recent.length} times in ${policy.restartWindowMs / 60_000} min`,
        },
      ];
    }
    if (alive.length === 0 || nowMs >= nextRestartAllowedMs(emergencyRuns, nowMs, policy))
      return [{ kind: 'emergency', components: names }];
    return [];
  }

  // The recovering side must have beaten recently (within half the silence threshold): when both sides die
  // together their last beats are staggered, and the later one must not pass for healthy a moment longer.
  const healthy = alive.filter(
    (c) => !busy.has(c.name) && isHealthy(c, nowMs, policy) && nowMs - c.lastHeartbeatMs < policy.silentAfterMs / 2,
  );
  for (const c of alive) {
    if (busy.has(c.name) || c.restartingSinceMs !== undefined) continue;
    const state = healthState(c, nowMs, policy);
    if (state !== 'silent' && state !== 'stuck') continue;
    const helper = healthy.find((h) => h.name !== c.name);
    if (!helper) continue; // wait: if everyone stays silent, emergency recovery takes over
    const recent = restartsInWindow(c.restarts, nowMs, policy);
    if (recent.length >= policy.restartLimit) {
      decisions.push({
        kind: 'give_up',
        components: [c.name],
        reason: `${state} after ${recent.length} restarts in ${policy.restartWindowMs / 60_000} min`,
      });
      continue;
    }
    if (nowMs < nextRestartAllowedMs(c.restarts, nowMs, policy)) continue;
    decisions.push({ kind: 'mutual_restart', component: c.name, healthy: helper.name });
  }
  for (const c of retryDue) {
    const helper = healthy.find((h) => h.name !== c.name);
    if (helper) decisions.push({ kind: 'mutual_restart', component: c.name, healthy: helper.name });
  }
  return decisions;
}

/** The next moment a decision could change without any new heartbeat (undefined: none). */
export function nextWakeMs(
  components: TrackedComponent[],
  nowMs: number,
  policy: WatchdogPolicy,
  emergencyRuns: number[],
): number | undefined {
  const times: number[] = [];
  for (const c of components) {
    const retryAt = failedRetryAtMs(c, policy);
    if (retryAt !== undefined) times.push(retryAt);
    if (c.failedReason) continue;
    times.push(c.lastHeartbeatMs + policy.silentAfterMs, c.lastHeartbeatMs + policy.allSilentAfterMs);
    if (c.hasNewData && c.cursor !== undefined) times.push(c.lastProgressMs + policy.stuckAfterMs);
    times.push(nextRestartAllowedMs(c.restarts, nowMs, policy));
  }
  times.push(nextRestartAllowedMs(emergencyRuns, nowMs, policy));
  const future = times.filter((t) => t > nowMs);
  return future.length > 0 ? Math.min(...future) : undefined;
}
