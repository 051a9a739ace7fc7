import {
  applyHeartbeat,
  backoffMs,
  decide,
  excuseOutage,
  expectComponent,
  failedRetryAtMs,
  healthState,
  mergeOutage,
  isHealthy,
  nextRestartAllowedMs,
  nextWakeMs,
  type TrackedComponent,
  type WatchdogPolicy,
} from '../../../core/watchdog/health';

const policy: WatchdogPolicy = {
  silentAfterMs: 30_000,
  stuckAfterMs: 30_000,
  allSilentAfterMs: 60_000,
  restartLimit: 3,
  restartWindowMs: 600_000,
  backoffBaseMs: 30_000,
  backoffMaxMs: 300_000,
};
const beat = (
  c: TrackedComponent | undefined,
  name: string,
  at: number,
  instanceId = `${name}-1`,
  cursor?: number,
  hasNewData?: boolean,
) =>
  applyHeartbeat(
    c,
    { component: name, instanceId, ...(cursor !== undefined ? { progress: { cursor, hasNewData } } : {}) },
    at,
  );
const decideAt = (components: TrackedComponent[], nowMs: number, busy: string[] = [], emergencyRuns: number[] = []) =>
  decide({ components, nowMs, policy, emergencyRunning: false, busy: new Set(busy), emergencyRuns });

describe('component health', () => {
  it('is silent after 30 s without a heartbeat', () => {
    const c = beat(undefined, 'scanner', 0);
    expect(healthState(c, 29_999, policy)).toBe('healthy');
    expect(healthState(c, 30_000, policy)).toBe('silent');
  });

  it('is stuck when the cursor does not move for 30 s while the source has new data', () => {
    let c = beat(undefined, 'scanner', 0, 's-1', 5, true);
    c = beat(c, 'scanner', 10_000, 's-1', 5, true);
    c = beat(c, 'scanner', 29_000, 's-1', 5, true);
    expect(healthState(c, 29_000, policy)).toBe('healthy');
    c = beat(c, 'scanner', 31_000, 's-1', 5, true);
    expect(healthState(c, 31_000, policy)).toBe('stuck');
    // No new data: an unmoving cursor is fine.
    c = beat(c, 'scanner', 40_000, 's-1', 5, false);
    expect(healthState(c, 40_000, policy)).toBe('healthy');
  });

  it('after a restart counts as healthy only once a new instance (or progress) heartbeats', () => {
    let c = beat(undefined, 'scanner', 0, 'old', 1, true);
    c = { ...c, restartingSinceMs: 31_000, instanceAtRestart: 'old', cursorAtRestart: 1, recoveredSinceRestart: false };
    expect(isHealthy(beat(c, 'scanner', 32_000, 'old', 1, true), 32_000, policy)).toBe(false);
    expect(isHealthy(beat(c, 'scanner', 32_000, 'new', 0, true), 32_000, policy)).toBe(true);
  });

  it('a new instance clears a failed mark (someone fixed it)', () => {
    const failed = { ...beat(undefined, 'scanner', 0), failedReason: 'gave up' };
    expect(healthState(beat(failed, 'scanner', 1000), 1000, policy)).toBe('failed');
    expect(healthState(beat(failed, 'scanner', 1000, 'scanner-2'), 1000, policy)).toBe('healthy');
  });
});

describe('bounded restarts', () => {
  it('back-off doubles per restart in the window, capped', () => {
    expect([1, 2, 3, 4, 5, 6].map((n) => backoffMs(n, policy))).toEqual([
      30_000, 60_000, 120_000, 240_000, 300_000, 300_000,
    ]);
    expect(nextRestartAllowedMs([0, 100_000], 100_000, policy)).toBe(160_000);
    expect(nextRestartAllowedMs([0], 700_000, policy)).toBe(700_000); // aged out of the window
  });

  it('restarts a silent component with a healthy helper, waits out the back-off, then gives up at the limit', () => {
    const worker = beat(undefined, 'worker', 200_000);
    const scanner = (restarts: number[]) => ({ ...beat(undefined, 'scanner', 0), restarts });
    expect(decideAt([scanner([]), worker], 200_000)).toEqual([
      { kind: 'mutual_restart', component: 'scanner', healthy: 'worker' },
    ]);
    expect(decideAt([scanner([180_000]), worker], 200_000)).toEqual([]); // back-off 30 s not over
    expect(decideAt([scanner([100_000, 150_000]), worker], 200_000)).toEqual([]); // back-off 60 s not over
    expect(decideAt([scanner([100_000, 150_000]), worker], 210_000)).toEqual([
      { kind: 'mutual_restart', component: 'scanner', healthy: 'worker' },
    ]);
    expect(decideAt([scanner([100_000, 150_000, 190_000]), worker], 200_000)).toEqual([
      { kind: 'give_up', components: ['scanner'], reason: 'silent after 3 restarts in 10 min' },
    ]);
  });

  it('does nothing for a component a playbook is already handling, or without a healthy helper', () => {
    const scanner = beat(undefined, 'scanner', 0);
    expect(decideAt([scanner, beat(undefined, 'worker', 40_000)], 40_000, ['scanner'])).toEqual([]);
    expect(decideAt([scanner, beat(undefined, 'worker', 5_000)], 40_000)).toEqual([]); // both silent < 60 s: wait
  });
});

describe('emergency', () => {
  it('two sides dying together are not mistaken for one failure with a healthy helper', () => {
    // The worker's last beat is 10 s later than the scanner's: at the scanner's 30 s mark the worker is
    // within the silence threshold but has not beaten for 20 s (> 15 s): it cannot be the recovering side.
    const both = [beat(undefined, 'scanner', 0), beat(undefined, 'worker', 10_000)];
    expect(healthState(both[1], 30_000, policy)).toBe('healthy');
    expect(decideAt(both, 30_000)).toEqual([]);
    expect(decideAt(both, 69_999)).toEqual([]);
    expect(decideAt(both, 70_000)).toEqual([{ kind: 'emergency', components: ['scanner', 'worker'] }]);
  });

  it('a component never heard from is starting, not healthy, until its silence threshold', () => {
    const expected = expectComponent('scanner', 0);
    expect([healthState(expected, 1000, policy), isHealthy(expected, 1000, policy)]).toEqual(['starting', false]);
    expect(healthState(expected, 30_000, policy)).toBe('silent');
  });

  it('starts when every component has been silent for 60 s, bounded like restarts', () => {
    const all = [beat(undefined, 'scanner', 0), beat(undefined, 'worker', 1000)];
    expect(decideAt(all, 60_999)).toEqual([]);
    expect(decideAt(all, 61_000)).toEqual([{ kind: 'emergency', components: ['scanner', 'worker'] }]);
    expect(decideAt(all, 61_000, [], [1, 2, 3])).toEqual([
      {
        kind: 'give_up',
        components: ['scanner', 'worker'],
        reason: expect.stringMatching(/emergency recovery already ran 3 times/),
      },
    ]);
    expect(
      decide({ components: all, nowMs: 61_000, policy, emergencyRunning: true, busy: new Set(), emergencyRuns: [] }),
    ).toEqual([]);
  });

  it('wakes at the next moment a decision can change', () => {
    const c = [expectComponent('scanner', 0), beat(undefined, 'worker', 10_000)];
    expect(nextWakeMs(c, 10_000, policy, [])).toBe(30_000);
    expect(nextWakeMs(c, 35_000, policy, [])).toBe(40_000);
  });
});

describe('Temporal outages are not deaths', () => {
  const outage = { fromMs: 20_000, toMs: 90_000 }; // Temporal away for 70 s

  it('a component heartbeating when the outage began gets a fresh silence clock from its end', () => {
    const both = [beat(undefined, 'scanner', 15_000), beat(undefined, 'worker', 18_000)];
    // Without the excuse, everyone looks silent for over 60 s the moment Temporal is back.
    expect(decideAt(both, 94_000)).toEqual([{ kind: 'emergency', components: ['scanner', 'worker'] }]);
    const excused = both.map((c) => excuseOutage(c, outage, policy));
    expect(excused.map((c) => healthState(c, 94_000, policy))).toEqual(['healthy', 'healthy']);
    expect(decideAt(excused, 94_000)).toEqual([]);
    // The first one to beat again cannot restart the other one either: it still has its 30 s.
    expect(decideAt([beat(excused[0], 'scanner', 95_000), excused[1]], 95_000)).toEqual([]);
    // A component that then stays silent is silent again 30 s after the outage.
    expect(healthState(excused[1], 120_000, policy)).toBe('silent');
  });

  it('one already silent before the outage keeps its clock', () => {
    const dead = beat(undefined, 'scanner', 0);
    expect(excuseOutage(dead, { fromMs: 40_000, toMs: 90_000 }, policy)).toBe(dead);
    const heardAfter = beat(undefined, 'worker', 95_000);
    expect(excuseOutage(heardAfter, outage, policy)).toBe(heardAfter);
  });

  it('overlapping reports of the same outage widen it; a later one replaces it', () => {
    expect(mergeOutage(outage, { fromMs: 10_000, toMs: 95_000 })).toEqual({ fromMs: 10_000, toMs: 95_000 });
    expect(mergeOutage(outage, { fromMs: 200_000, toMs: 210_000 })).toEqual({ fromMs: 200_000, toMs: 210_000 });
    expect(mergeOutage(undefined, outage)).toEqual(outage);
  });
});

describe('a component given up on is tried again', () => {
  const retrying: WatchdogPolicy = { ...policy, retryFailedAfterMs: 300_000 };
  const failed = { ...beat(undefined, 'scanner', 0), failedReason: 'silent after 3 restarts', failedAtMs: 100_000 };
  const worker = beat(undefined, 'worker', 400_000);
  const at = (nowMs: number, components: TrackedComponent[], p = retrying) =>
    decide({ components, nowMs, policy: p, emergencyRunning: false, busy: new Set(), emergencyRuns: [] });

  it('after its retry back-off, by a healthy side, past the restart limit', () => {
    expect(failedRetryAtMs(failed, retrying)).toBe(400_000);
    expect(at(399_999, [failed, worker])).toEqual([]);
    expect(at(400_000, [failed, worker])).toEqual([
      { kind: 'mutual_restart', component: 'scanner', healthy: 'worker' },
    ]);
    expect(nextWakeMs([failed, beat(undefined, 'worker', 390_000)], 390_000, retrying, [])).toBe(400_000);
  });

  it('by emergency recovery when nobody else is left, whatever the emergency bound', () => {
    const silentWorker = { ...beat(undefined, 'worker', 0), failedReason: 'x', failedAtMs: 50_000 };
    expect(
      decide({
        components: [failed, silentWorker],
        nowMs: 400_000,
        policy: retrying,
        emergencyRunning: false,
        busy: new Set(),
        emergencyRuns: [390_000, 395_000, 399_000],
      }),
    ).toEqual([{ kind: 'emergency', components: ['scanner', 'worker'] }]);
  });

  it('never, without a retry policy (watchdogs started before the change)', () => {
    expect(failedRetryAtMs(failed, policy)).toBeUndefined();
    expect(at(10_000_000, [failed, beat(undefined, 'worker', 10_000_000)], policy)).toEqual([]);
  });
});
