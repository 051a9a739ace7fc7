// The watchdog: one per namespace (`watchdog-<namespace>`), on its own task queue `healer-watchdog`,
// so it keeps running when the main workers are down. Components heartbeat into it; durable timers
// notice silence and stalls; recovery runs as `playbook` child workflows:
//   - one component silent or stuck (30 s) while another is healthy → healer_mutual_restart;
//   - every component silent (60 s)                                → emergency_healer_recovery.
// Restarts are bounded per component and window, with growing back-off; past the limit the component
// is marked failed and humans are escalated to, and it is tried again after a long back-off (the cause
// may have been transient). Silence while Temporal itself was away (a timer that fired late, or a
// heartbeat reporting it could not get through) is not taken for death.
import {
  allHandlersFinished,
  type ChildWorkflowHandle,
  condition,
  continueAsNew,
  log,
  ParentClosePolicy,
  patched,
  proxyActivities,
  setHandler,
  startChild,
  workflowInfo,
} from '@temporalio/workflow';
import type { WatchdogWorkerActivities } from '../../activities/watchdog/watchdog';
import {
  applyHeartbeat,
  decide,
  excuseOutage,
  expectComponent,
  failedRetryAtMs,
  mergeOutage,
  healthState,
  isHealthy,
  nextRestartAllowedMs,
  nextWakeMs,
  restartsInWindow,
  type Outage,
  type TrackedComponent,
  type WatchdogDecision,
} from '../../core/watchdog/health';
import { playbook } from './playbook';
import { auditMirror } from './audit-mirror';
import {
  emergencyModeSignal,
  heartbeatSignal,
  watchdogStatusQuery,
  type ComponentView,
  type PlaybookResult,
  type PlaybookRunView,
  type RunningPlaybookView,
  type WatchdogCarriedState,
  type WatchdogInput,
  type WatchdogSettings,
  type WatchdogView,
} from '../../core/contract';

// The watchdog worker's bundle starts from this file: it serves the playbooks and the audit mirror too.
export { playbook, auditMirror };

/**
 * Defaults, and why:
 * - silent 30 s: three missed 10 s heartbeats, so one lost or late beat never triggers a restart;
 * - stuck 30 s: the same patience for a cursor that does not move while its source has new data;
 * - all silent 60 s: twice the single-component threshold, so a rolling deploy of every component
 *   is not mistaken for a total outage, while staying well inside the emergency SLO;
 * - 3 restarts per 10 min: enough to ride out a transient fault, few enough that a crash loop reaches
 *   a human within minutes instead of restarting forever;
 * - back-off 30 s doubling (30, 60, 120 s … capped at 5 min): gives a component time to come up
 *   and keeps a crash loop from hammering the cluster;
 * - outage gap 5 s: a timer that fires 5 s late means nobody could run the watchdog (Temporal or its
 *   worker was away), far beyond a busy worker's delay;
 * - retry a failed component after 5 min: the restart limit stops a crash loop, but a cause that was
 *   transient (a dependency down for a while) must not leave the component dead until someone acts.
 */
export const DEFAULT_WATCHDOG_SETTINGS: WatchdogSettings = {
  silentAfterMs: 30_000,
  stuckAfterMs: 30_000,
  allSilentAfterMs: 60_000,
  restartLimit: 3,
  restartWindowMs: 10 * 60_000,
  backoffBaseMs: 30_000,
  backoffMaxMs: 5 * 60_000,
  outageGapMs: 5000,
  retryFailedAfterMs: 5 * 60_000,
  playbookDurationScale: 1,
};

/** Runs started before the watchdog knew about outages and retries keep their recorded decisions. */
const OUTAGE_AWARE_PATCH = 'watchdog-outage-aware';

const HISTORY_KEPT = 20;

/** Workflow time (deterministic in the sandbox). */
const nowMs = (): number => new Date().getTime();

const notify = proxyActivities<WatchdogWorkerActivities>({
  startToCloseTimeout: '30s',
  retry: { maximumAttempts: 10, initialInterval: '2s', maximumInterval: '1m' },
});

interface Running extends RunningPlaybookView {
  kind: 'mutual' | 'emergency';
}

export async function watchdog(input: WatchdogInput): Promise<void> {
  const info = workflowInfo();
  const settings: WatchdogSettings = { ...DEFAULT_WATCHDOG_SETTINGS, ...input.settings };
  const playbooks = { mutual: 'healer_mutual_restart', emergency: 'emergency_healer_recovery', ...input.playbooks };
  const carried = input.carried;
  const startedAt = carried?.startedAt ?? new Date().toISOString();
  const components = new Map<string, TrackedComponent>((carried?.components ?? []).map((c) => [c.name, c]));
  for (const name of input.components ?? [])
    if (!components.has(name)) components.set(name, expectComponent(name, nowMs()));
  const history: PlaybookRunView[] = carried?.history ?? [];
  const escalations: WatchdogView['escalations'] = carried?.escalations ?? [];
  let emergencyRuns: number[] = carried?.emergencyRuns ?? [];
  let emergencyMode = carried?.emergencyMode ?? false;
  let counter = carried?.playbookCounter ?? 0;
  const running = new Map<string, Running>();
  const pendingEscalations = new Set<Promise<void>>();
  let dirty = true;
  const outageAware = patched(OUTAGE_AWARE_PATCH);
  // The old path decides exactly as it was recorded: no outage excuse, failed components stay failed.
  const policy: WatchdogSettings = outageAware
    ? settings
    : { ...settings, outageGapMs: undefined, retryFailedAfterMs: undefined };
  let outage: Outage | undefined = carried?.outage;
  let lastAwakeMs = nowMs();
  let plannedWakeMs: number | undefined;

  setHandler(heartbeatSignal, (hb) => {
    const now = nowMs();
    if (outageAware) noticeOutage(now, hb.failingSince);
    const previous = components.get(hb.component);
    const next = applyHeartbeat(previous, hb, now);
    components.set(hb.component, next);
    if (outageAware && previous?.failedReason && !next.failedReason) recovered(next, previous.failedReason);
    // Wake the loop when health may have changed, or while anything is unhealthy (this beat may come from
    // the recovering side it waits for); a routine beat while all is well does not.
    if (!previous || previous.instanceId !== next.instanceId || seen().some((c) => !isHealthy(c, now, settings)))
      dirty = true;
  });
  setHandler(emergencyModeSignal, (signal) => {
    emergencyMode = signal.enabled;
    dirty = true;
  });
  setHandler(watchdogStatusQuery, () => view(nowMs()));

  for (;;) {
    const now = nowMs();
    if (outageAware) noticeOutage(now);
    dirty = false;
    for (const decision of decide({
      components: seen(),
      nowMs: now,
      policy,
      emergencyRunning: [...running.values()].some((r) => r.kind === 'emergency'),
      busy: busyComponents(),
      emergencyRuns,
    })) {
      await act(decision, now);
    }
    const wake = nextWakeMs(seen(), now, policy, emergencyRuns);
    plannedWakeMs = wake;
    const suggested = () => workflowInfo().continueAsNewSuggested && running.size === 0;
    if (wake === undefined) await condition(() => dirty || suggested());
    else await condition(() => dirty || suggested(), Math.max(1, wake - now));
    if (workflowInfo().continueAsNewSuggested && running.size === 0 && pendingEscalations.size === 0) break;
  }

  await condition(allHandlersFinished);
  const state: WatchdogCarriedState = {
    startedAt,
    components: [...components.values()].map((c) => ({
      ...c,
      restarts: restartsInWindow(c.restarts, nowMs(), settings),
    })),
    history,
    escalations: escalations.slice(-HISTORY_KEPT),
    emergencyRuns: restartsInWindow(emergencyRuns, nowMs(), settings),
    emergencyMode,
    playbookCounter: counter,
    continuedAsNew: (carried?.continuedAsNew ?? 0) + 1,
    ...(outage ? { outage } : {}),
  };
  await continueAsNew<typeof watchdog>({ ...input, carried: state });

  // ── what each decision does ─────────────────────────────────────────────────────────────────────

  async function act(decision: WatchdogDecision, now: number): Promise<void> {
    if (decision.kind === 'give_up') {
      for (const name of decision.components)
        update(name, (c) => ({ ...c, failedReason: decision.reason, failedAtMs: now }));
      escalate(decision.components, decision.reason);
      return;
    }
    const names = decision.kind === 'emergency' ? decision.components : [decision.component];
    const all = [...components.keys()];
    // Recovery time is measured from the moment the component stopped: its last heartbeat or progress.
    const triggeredAt = new Date(Math.min(...names.map((n) => stoppedAt(components.get(n)!)))).toISOString();
    for (const name of names) {
      if (components.get(name)?.failedReason) log.info('trying a component given up on again', { component: name });
      update(name, (c) => ({
        ...c,
        ...(c.failedReason ? { failedAtMs: now } : {}),
        restarts: [...restartsInWindow(c.restarts, now, settings), now],
        restartingSinceMs: now,
        instanceAtRestart: c.instanceId,
        cursorAtRestart: c.cursor,
        recoveredSinceRestart: false,
      }));
    }
    if (decision.kind === 'emergency') emergencyRuns = [...restartsInWindow(emergencyRuns, now, settings), now];
    counter += 1;
    const kind = decision.kind === 'emergency' ? 'emergency' : 'mutual';
    const name = kind === 'emergency' ? playbooks.emergency : playbooks.mutual;
    const workflowId = `${info.workflowId}-${kind}-${names.join('+')}-${info.firstExecutionRunId.slice(0, 8)}-${counter}`;
    const params =
      decision.kind === 'emergency'
        ? { components: names }
        : { failed_component: decision.component, healthy_component: decision.healthy, components: all };
    const record: Running = {
      kind,
      workflowId,
      playbook: name,
      components: names,
      startedAt: new Date(now).toISOString(),
    };
    running.set(workflowId, record);
    log.info('starting recovery playbook', { workflowId, playbook: name, components: names });
    let handle: ChildWorkflowHandle<typeof playbook>;
    try {
      handle = await startChild(playbook, {
        workflowId,
        args: [
          {
            playbook: name,
            params,
            namespace: input.namespace,
            triggeredAt,
            durationScale: settings.playbookDurationScale,
            watchdogWorkflowId: info.workflowId,
          },
        ],
        // A recovery is never left half-done (revocation must run), even if the watchdog is terminated.
        parentClosePolicy: ParentClosePolicy.ABANDON,
        staticSummary: `Healer recovery: ${name} for ${names.join(', ')} (namespace ${input.namespace})`,
      });
    } catch (error) {
      // Could not even start: count it as a failed run (the restart budget still applies).
      finished(record, 'failed', undefined, error);
      return;
    }
    void handle.result().then(
      (result) => finished(record, result.outcome, result),
      (error: unknown) => finished(record, 'failed', undefined, error),
    );
  }

  function finished(
    record: Running,
    outcome: PlaybookResult['outcome'],
    result?: PlaybookResult,
    error?: unknown,
  ): void {
    running.delete(record.workflowId);
    for (const name of record.components)
      update(name, (c) => ({
        ...c,
        restartingSinceMs: undefined,
        instanceAtRestart: undefined,
        cursorAtRestart: undefined,
      }));
    if (record.kind === 'emergency') emergencyMode = false;
    history.unshift({
      workflowId: record.workflowId,
      playbook: record.playbook,
      components: record.components,
      startedAt: record.startedAt,
      outcome,
      finishedAt: result?.finishedAt ?? new Date().toISOString(),
    });
    history.splice(HISTORY_KEPT);
    if (error) log.warn('recovery playbook failed', { workflowId: record.workflowId, error: String(error) });
    dirty = true;
  }

  function escalate(names: string[], reason: string): void {
    const at = new Date().toISOString();
    escalations.push({ at, component: names.join(','), reason });
    const restarts = names.map(
      (n) =>
        `${n}: ${restartsInWindow(components.get(n)?.restarts ?? [], nowMs(), settings).length} restarts in window`,
    );
    const promise = notify
      .escalate({
        key: `${info.workflowId}/give-up/${names.join('+')}/${at}`,
        title: `Healer watchdog gave up on ${names.join(', ')}`,
        body: `${reason}. ${retryNote(names.length > 1)}\n${restarts.join('\n')}`,
        target: names.join(','),
      })
      .then(
        () => undefined,
        (e: unknown) => log.error('escalation failed', { error: String(e) }),
      )
      .finally(() => {
        pendingEscalations.delete(promise);
        dirty = true;
      });
    pendingEscalations.add(promise);
  }

  function retryNote(plural: boolean): string {
    const them = plural ? 'them' : 'it';
    if (policy.retryFailedAfterMs === undefined)
      return `The watchdog will not restart ${them} again until a new instance heartbeats.`;
    const ms = policy.retryFailedAfterMs;
    const every = ms >= 60_000 ? `${Math.round(ms / 60_000)} min` : `${Math.round(ms / 1000)} s`;
    return `The watchdog tries ${them} again every ${every} (the cause may be transient); a new instance heartbeating clears the mark.`;
  }

  /** Components as the decisions see them: silence during the last outage excused. */
  function seen(): TrackedComponent[] {
    return [...components.values()].map((c) => (outageAware ? excuseOutage(c, outage, settings) : c));
  }

  /**
   * Temporal was away if this task runs well after the timer it waited for (nobody could run the watchdog)
   * or a heartbeat says its sender could not get through since some time: remember that stretch.
   */
  function noticeOutage(now: number, failingSince?: string): void {
    const late = plannedWakeMs !== undefined && now - plannedWakeMs > (settings.outageGapMs ?? 5000);
    if (late) remember({ fromMs: lastAwakeMs, toMs: now }, 'the watchdog ran late');
    if (plannedWakeMs !== undefined && now >= plannedWakeMs) plannedWakeMs = undefined;
    const since = failingSince ? Date.parse(failingSince) : NaN;
    if (since < now) remember({ fromMs: since, toMs: now }, 'a heartbeat could not be delivered');
    lastAwakeMs = now;
  }

  function remember(next: Outage, why: string): void {
    outage = mergeOutage(outage, next);
    log.info('Temporal was unreachable: silence in that stretch is not held against components', {
      from: new Date(outage.fromMs).toISOString(),
      to: new Date(outage.toMs).toISOString(),
      why,
    });
    dirty = true;
  }

  /** A component given up on heartbeats again as a new instance: say so in the audit log. */
  function recovered(c: TrackedComponent, reason: string): void {
    const promise = notify
      .appendAudit({
        key: `${info.workflowId}/recovered/${c.name}/${c.instanceId ?? 'unknown'}`,
        actor: 'watchdog',
        action: 'component.recovered',
        target: c.name,
        result: 'info',
        details: { instanceId: c.instanceId, wasFailed: reason },
      })
      .then(
        () => undefined,
        (e: unknown) => log.error('audit of a recovery failed', { error: String(e) }),
      )
      .finally(() => {
        pendingEscalations.delete(promise);
        dirty = true;
      });
    pendingEscalations.add(promise);
  }

  function stoppedAt(c: TrackedComponent): number {
    return healthState(c, nowMs(), settings) === 'stuck' ? c.lastProgressMs : c.lastHeartbeatMs;
  }

  function update(name: string, change: (c: TrackedComponent) => TrackedComponent): void {
    const c = components.get(name);
    if (c) components.set(name, change(c));
  }

  function busyComponents(): Set<string> {
    return new Set([...running.values()].flatMap((r) => r.components));
  }

  function view(now: number): WatchdogView {
    return {
      namespace: input.namespace,
      workflowId: info.workflowId,
      startedAt,
      emergencyMode,
      settings,
      components: [...components.values()].map((c) => componentView(c, now)),
      running: [...running.values()].map(({ kind: _kind, ...r }) => r),
      history,
      escalations,
      continuedAsNew: carried?.continuedAsNew ?? 0,
      ...(outage
        ? { lastOutage: { from: new Date(outage.fromMs).toISOString(), to: new Date(outage.toMs).toISOString() } }
        : {}),
    };
  }

  function componentView(tracked: TrackedComponent, now: number): ComponentView {
    const c = outageAware ? excuseOutage(tracked, outage, settings) : tracked;
    const retryAt = failedRetryAtMs(c, policy);
    const recent = restartsInWindow(c.restarts, now, settings);
    const nextAllowed = nextRestartAllowedMs(c.restarts, now, settings);
    const stuck = c.hasNewData === true && c.cursor !== undefined && c.lastProgressMs < c.lastHeartbeatMs;
    return {
      name: c.name,
      state: healthState(c, now, settings),
      healthy: isHealthy(c, now, settings),
      ...(c.instanceId ? { instanceId: c.instanceId } : {}),
      ...(c.version ? { version: c.version } : {}),
      // The real last heartbeat, not the outage-excused one: restart steps compare it with their start.
      ...(tracked.heard ? { lastHeartbeatAt: new Date(tracked.lastHeartbeatMs).toISOString() } : {}),
      ...(tracked.lastSentAt ? { lastSentAt: tracked.lastSentAt } : {}),
      ...(stuck ? { stuckSince: new Date(c.lastProgressMs).toISOString() } : {}),
      ...(c.progress ? { progress: c.progress } : {}),
      ...(c.restartingSinceMs !== undefined ? { restartingSince: new Date(c.restartingSinceMs).toISOString() } : {}),
      restartsInWindow: recent.length,
      restartTimes: recent.map((t) => new Date(t).toISOString()),
      ...(nextAllowed > now ? { nextRestartAllowedAt: new Date(nextAllowed).toISOString() } : {}),
      ...(c.failedReason ? { failedReason: c.failedReason } : {}),
      ...(retryAt !== undefined ? { nextRetryAt: new Date(retryAt).toISOString() } : {}),
    };
  }
}
