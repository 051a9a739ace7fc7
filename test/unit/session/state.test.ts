import {
  applyAgentStarted,
  applyDetections,
  applyEnd,
  applyToolInventory,
  closePreflight,
  initialState,
  MAX_TRACKED_FINGERPRINTS,
  toView,
  upsertIncident,
} from '../../../core/session/state';
import { missingTools, preflightDetection } from '../../../core/session/preflight';
import { detection, sampleInput } from '../../support/sessions';

const T0 = '2026-01-01T00:00:00.000Z';
const input = sampleInput('p');

describe('session state reducer', () => {
  test('counts every detection, dedups by fingerprint, tracks codes and worst severity', () => {
    const state = initialState(input, T0);
    const out = applyDetections(
      state,
      [detection('a'), detection('a'), detection('b', { code: 'R1', severity: 'critical' })],
      T0,
    );
    expect(out.firstSeen.map((d) => d.fingerprint)).toEqual(['a', 'b']);
    expect(state.totals).toEqual({ total: 3, unique: 2, byCode: { R2: 2, R1: 1 } });
    expect(state.fingerprints.a.count).toBe(2);
    expect(state.alertCodes).toEqual(['R1', 'R2']);
    expect(state.maxSeverity).toBe('critical');
  });

  test('a detection standing for repeats counts every occurrence and keeps the last time seen', () => {
    const state = initialState(input, T0);
    const [T1, T2] = ['2026-01-01T00:00:09.000Z', '2026-01-01T00:00:05.000Z'];
    applyDetections(
      state,
      [detection('a', { observedAt: T0, repeats: 40, lastObservedAt: T1 }), detection('b', { observedAt: T0 })],
      T0,
    );
    applyDetections(state, [detection('a', { observedAt: T2, repeats: 2 })], T0);
    expect(state.totals).toEqual({ total: 43, unique: 2, byCode: { R2: 43 } });
    expect(state.fingerprints.a).toMatchObject({ count: 42, firstSeen: T0, lastSeen: T1 });
  });

  test('a re-delivered batch id is applied once', () => {
    const state = initialState(input, T0);
    applyDetections(state, [detection('a')], T0, 'batch-1');
    const again = applyDetections(state, [detection('a')], T0, 'batch-1');
    expect(again.duplicateBatch).toBe(true);
    expect(state.totals.total).toBe(1);
  });

  test('repeats of a fingerprint with an incident are returned as evidence', () => {
    const state = initialState(input, T0);
    applyDetections(state, [detection('a')], T0);
    upsertIncident(
      state,
      {
        id: 'incident-p-a',
        code: 'R2',
        severity: 'high',
        fingerprint: 'a',
        occurrences: 1,
        step: 'evaluate',
        status: 'open',
      },
      T0,
    );
    const out = applyDetections(state, [detection('a')], T0);
    expect(out.repeats).toHaveLength(1);
    expect(out.firstSeen).toHaveLength(0);
  });

  test('tracked fingerprints stay bounded while totals keep counting', () => {
    const state = initialState(input, T0);
    const many = Array.from({ length: MAX_TRACKED_FINGERPRINTS + 50 }, (_, i) =>
      detection(`fp-${i}`, { observedAt: new Date(Date.parse(T0) + i).toISOString() }),
    );
    applyDetections(state, many, T0);
    expect(Object.keys(state.fingerprints)).toHaveLength(MAX_TRACKED_FINGERPRINTS);
    expect(state.totals.unique).toBe(MAX_TRACKED_FINGERPRINTS + 50);
    expect(state.fingerprints['fp-0']).toBeUndefined(); // the oldest went first
    expect(state.fingerprints[`fp-${MAX_TRACKED_FINGERPRINTS + 49}`]).toBeDefined();
  });

  test('pre-flight: A11/A12 inside the window are marked pre-flight and fail their checklist item', () => {
    const state = initialState(input, T0);
    applyAgentStarted(state, 'rex', T0, 60_000, T0);
    const inside = new Date(Date.parse(T0) + 10_000).toISOString();
    const outside = new Date(Date.parse(T0) + 120_000).toISOString();
    const out = applyDetections(
      state,
      [
        detection('c', { code: 'A11', observedAt: inside }),
        detection('d', { code: 'A12', agent: 'cleo', observedAt: outside }),
      ],
      T0,
    );
    expect(out.firstSeen[0].preflight).toBe(true);
    expect(out.firstSeen[1].preflight).toBeFalsy();
    expect(state.agents.rex.checklist.config).toBe('fail');
    expect(state.agents.cleo.checklist.toolsServer).toBe('pending');
  });

  test('pre-flight: inventory comparison and closing the window', () => {
    const state = initialState(input, T0);
    applyAgentStarted(state, 'rex', T0, 60_000, T0);
    expect(applyToolInventory(state, input, 'rex', ['read_file', 'github_create_pr', 'extra'], T0)).toEqual([
      'brave_search',
      'write_file',
    ]);
    expect(state.agents.rex.checklist.mcpTools).toBe('fail');
    expect(closePreflight(state, 'rex', T0).inventoryMissing).toBe(false);
    expect(state.agents.rex.checklist).toEqual({
      prompts: 'pass',
      config: 'pass',
      mcpTools: 'fail',
      toolsServer: 'pass',
    });
    applyAgentStarted(state, 'cleo', T0, 60_000, T0);
    expect(closePreflight(state, 'cleo', T0).inventoryMissing).toBe(true);
    expect(state.agents.cleo.checklist.mcpTools).toBe('fail');
  });

  test('missingTools ignores extras and whitespace', () => {
    expect(missingTools(['a', 'b', 'c'], [' a', 'c', 'z'])).toEqual(['b']);
    expect(missingTools([], ['x'])).toEqual([]);
  });

  test('pre-flight detections have id-safe fingerprints', () => {
    expect(preflightDetection('Rex Agent', 'silent', [], T0).fingerprint).toBe('a10-rex-agent-silent');
  });

  test('end is applied once and the view reflects it', () => {
    const state = initialState(input, T0);
    applyEnd(state, { status: 'failed', reason: 'agent crashed' }, '2026-01-01T01:00:00.000Z');
    applyEnd(state, { status: 'completed' }, '2026-01-01T02:00:00.000Z');
    const view = toView(input, state, 'play-p');
    expect(view).toMatchObject({
      status: 'failed',
      endReason: 'agent crashed',
      endedAt: '2026-01-01T01:00:00.000Z',
      workflowId: 'play-p',
    });
    expect(view.agents.map((a) => a.name)).toEqual(['rex', 'cleo']);
  });
});
