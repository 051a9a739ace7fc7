// Failures past the open-incident cap wait in a queue: most severe first, then oldest; repeats fold into
// the waiting entry; they come out when a slot frees or when a repeat finds one free.
import { applyDetections, initialState, toView, upsertIncident } from '../../../core/session/state';
import { deferFailure, MAX_DEFERRED, takeDeferred, takeMostUrgent } from '../../../core/session/deferred';
import { detection, sampleInput } from '../../support/sessions';

const at = (second: number) => new Date(Date.UTC(2026, 0, 1, 0, 0, second)).toISOString();
const failure = (fingerprint: string, second: number, severity: 'critical' | 'high' | 'low' = 'high') =>
  detection(fingerprint, { severity, observedAt: at(second) });

describe('deferred failures', () => {
  it('wait most severe first, then oldest, and are counted on the view', () => {
    const state = initialState(sampleInput('p'), at(0));
    deferFailure(state, failure('late-high', 9));
    deferFailure(state, failure('low', 1, 'low'));
    deferFailure(state, failure('early-high', 2));
    deferFailure(state, failure('critical', 5, 'critical'));
    expect(state.deferred!.map((d) => d.fingerprint)).toEqual(['critical', 'early-high', 'late-high', 'low']);
    expect(toView(sampleInput('p'), state, 'play-p').incidentsDeferred).toBe(4);

    expect(takeMostUrgent(state, 2).map((d) => d.fingerprint)).toEqual(['critical', 'early-high']);
    expect(state.incidentsDeferred).toBe(2);
    expect(takeMostUrgent(state, 0)).toEqual([]);
    expect(takeMostUrgent(state, 5).map((d) => d.fingerprint)).toEqual(['late-high', 'low']);
    expect(state).toMatchObject({ deferred: [], incidentsDeferred: 0 });
  });

  it('folds repeats into the waiting entry, so the incident that opens counts every occurrence', () => {
    const state = initialState(sampleInput('p'), at(0));
    deferFailure(state, failure('a', 1));
    deferFailure(state, detection('a', { observedAt: at(3), repeats: 4 }));
    expect(state.deferred).toEqual([expect.objectContaining({ fingerprint: 'a', repeats: 5, observedAt: at(1) })]);
    expect(state.incidentsDeferred).toBe(1);

    // A later repeat that finds a free slot takes the waiting entry out, with itself folded in.
    const opened = takeDeferred(state, detection('a', { observedAt: at(7) }));
    expect(opened).toMatchObject({ fingerprint: 'a', repeats: 6, observedAt: at(1), lastObservedAt: at(7) });
    expect(state).toMatchObject({ deferred: [], incidentsDeferred: 0 });
    // Nothing waiting: the detection itself opens.
    const fresh = failure('b', 8);
    expect(takeDeferred(state, fresh)).toBe(fresh);
  });

  it(`keeps at most ${MAX_DEFERRED}: the least urgent leave the queue`, () => {
    const state = initialState(sampleInput('p'), at(0));
    for (let i = 0; i < MAX_DEFERRED; i++) deferFailure(state, failure(`high-${i}`, i % 60));
    deferFailure(state, failure('low', 0, 'low'));
    deferFailure(state, failure('critical', 59, 'critical'));
    expect(state.deferred).toHaveLength(MAX_DEFERRED);
    expect(state.deferred![0].fingerprint).toBe('critical');
    expect(state.deferred!.some((d) => d.fingerprint === 'low')).toBe(false);
  });

  it('a repeat of a failure with no incident yet is returned to be routed again; one with an incident is evidence', () => {
    const state = initialState(sampleInput('p'), at(0));
    applyDetections(state, [failure('waiting', 1), failure('open', 1)], at(1));
    upsertIncident(
      state,
      {
        id: 'incident-p-open',
        code: 'R2',
        severity: 'high',
        fingerprint: 'open',
        occurrences: 1,
        step: 'x',
        status: 'open',
      },
      at(1),
    );
    const again = applyDetections(state, [failure('waiting', 2), failure('open', 2)], at(2));
    expect(again.unopenedRepeats.map((d) => d.fingerprint)).toEqual(['waiting']);
    expect(again.repeats.map((d) => d.fingerprint)).toEqual(['open']);
    expect(again.genericRepeats).toEqual([]);
  });
});
