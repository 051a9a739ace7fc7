// Generic error lines (G1): counted on the session per fingerprint, an incident only once one
// fingerprint repeats past the configured rate. The pure parts: the rate window, the routing decision
// and the session reducer's bookkeeping.
import {
  countInWindow,
  routeDetection,
  type GenericErrorRate,
  type IncidentRoutingState,
} from '../../../core/incident/routing';
import { applyDetections, countGenericError, initialState, upsertIncident } from '../../../core/session/state';
import { loadConfig } from '../../../runtime/config';
import { detection, sampleInput } from '../../support/sessions';

const rate: GenericErrorRate = { occurrences: 3, windowMs: 60_000 };
const at = (seconds: number) => new Date(Date.UTC(2026, 11, 1, 12, 0, seconds)).toISOString();
const generic = (fingerprint: string, seconds: number, repeats?: number) =>
  detection(fingerprint, {
    code: 'G1',
    severity: 'low',
    priority: 'P3',
    line: 'level=error msg="sync failed"',
    observedAt: at(seconds),
    ...(repeats ? { repeats } : {}),
  });

describe('generic error rate window', () => {
  it('adds occurrences (folded repeats included) within the window and starts over once it has run out', () => {
    let w = countInWindow(undefined, generic('g', 0), rate.windowMs);
    expect(w).toEqual({ since: at(0), count: 1 });
    w = countInWindow(w, generic('g', 30, 4), rate.windowMs);
    expect(w).toEqual({ since: at(0), count: 5 });
    w = countInWindow(w, generic('g', 61), rate.windowMs);
    expect(w).toEqual({ since: at(61), count: 1 });
  });
});

describe('generic error routing', () => {
  const state = (count: number, open = 0, cap = 5): IncidentRoutingState => ({
    incidents: Object.fromEntries(
      Array.from({ length: open }, (_, i) => [`other-${i}`, { incidentId: `i-${i}`, open: true }]),
    ),
    cap,
    generic: { rate, windows: count ? { g: { since: at(0), count } } : {} },
  });

  it('holds a generic error below its rate and opens an incident once it is reached', () => {
    expect(routeDetection('p', generic('g', 0), state(2))).toMatchObject({ action: 'hold' });
    expect(routeDetection('p', generic('g', 0), state(3))).toEqual({ action: 'open', incidentId: 'incident-p-g' });
  });

  it('routes other codes, and generic errors without a rate, as before', () => {
    expect(routeDetection('p', detection('g'), state(0))).toMatchObject({ action: 'open' });
    expect(routeDetection('p', generic('g', 0), { incidents: {} })).toMatchObject({ action: 'open' });
  });

  it('forwards repeats to the open incident and never reopens a finished one', () => {
    const open: IncidentRoutingState = { ...state(0), incidents: { g: { incidentId: 'incident-p-g', open: true } } };
    expect(routeDetection('p', generic('g', 0), open)).toEqual({ action: 'forward', incidentId: 'incident-p-g' });
    const done: IncidentRoutingState = { ...state(0), incidents: { g: { incidentId: 'incident-p-g', open: false } } };
    expect(routeDetection('p', generic('g', 0), done)).toMatchObject({ action: 'ignore' });
  });

  it('with the cap full, defers only the detection that crossed the rate; later repeats wait', () => {
    expect(routeDetection('p', generic('g', 0), state(3, 1, 1))).toMatchObject({ action: 'defer' });
    expect(routeDetection('p', generic('g', 0, 2), state(4, 1, 1))).toMatchObject({ action: 'defer' });
    expect(routeDetection('p', generic('g', 0), state(4, 1, 1))).toMatchObject({ action: 'hold' });
  });
});

describe('session bookkeeping of generic errors', () => {
  it('counts every occurrence on the session, reports repeats without an incident and keeps one window each', () => {
    const s = initialState(sampleInput('p'), at(0));
    const first = applyDetections(s, [generic('g', 0)], at(0));
    expect(first.firstSeen).toHaveLength(1);
    countGenericError(s, first.firstSeen[0], rate.windowMs);
    const again = applyDetections(s, [generic('g', 5, 2), detection('r')], at(5));
    expect(again.genericRepeats.map((d) => d.fingerprint)).toEqual(['g']);
    expect(again.repeats).toEqual([]);
    countGenericError(s, again.genericRepeats[0], rate.windowMs);
    expect(s.genericErrors).toEqual({ g: { since: at(0), count: 3 } });
    expect(s.fingerprints.g).toMatchObject({ code: 'G1', count: 3 });
    expect(s.totals.byCode).toEqual({ G1: 3, R2: 1 });
  });

  it('drops the window once the fingerprint has an incident, whose repeats are then forwarded', () => {
    const s = initialState(sampleInput('p'), at(0));
    applyDetections(s, [generic('g', 0)], at(0));
    countGenericError(s, generic('g', 0), rate.windowMs);
    upsertIncident(
      s,
      {
        id: 'incident-p-g',
        code: 'G1',
        severity: 'low',
        fingerprint: 'g',
        occurrences: 3,
        step: 'starting',
        status: 'open',
      },
      at(1),
    );
    expect(s.genericErrors).toEqual({});
    const next = applyDetections(s, [generic('g', 2)], at(2));
    expect(next.repeats).toHaveLength(1);
    expect(next.genericRepeats).toEqual([]);
  });

  it('keeps no window for a fingerprint the session no longer tracks', () => {
    const s = initialState(sampleInput('p'), at(0));
    countGenericError(s, generic('gone', 0), rate.windowMs);
    expect(s.genericErrors).toBeUndefined();
  });
});

describe('HEALER_GENERIC_ERROR_INCIDENT_RATE', () => {
  it('defaults to 20 within 10 minutes, reads N/Mm and names the variable when the value is bad', () => {
    expect(loadConfig({}).genericErrorRate).toEqual({ occurrences: 20, windowMs: 600_000 });
    expect(loadConfig({ HEALER_GENERIC_ERROR_INCIDENT_RATE: '5/2m' }).genericErrorRate).toEqual({
      occurrences: 5,
      windowMs: 120_000,
    });
    for (const bad of ['20 per 10 minutes', '0/10m', '20/10'])
      expect(() => loadConfig({ HEALER_GENERIC_ERROR_INCIDENT_RATE: bad })).toThrow(
        /HEALER_GENERIC_ERROR_INCIDENT_RATE/,
      );
  });
});
