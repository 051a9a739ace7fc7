import {
  dropEvidence,
  emptyOutbox,
  hasPendingEvidence,
  msUntilEvidenceDue,
  msUntilRepeatDue,
  queueEvidence,
  takeDueEvidence,
  takeFirstEvidence,
} from '../../../core/incident/evidence';
import { detection } from '../../support/sessions';

const at = (s: number): string => new Date(Date.UTC(2026, 10, 22, 4, 0, s)).toISOString();
const ms = (s: number): number => Date.UTC(2026, 10, 22, 4, 0, s);

describe('evidence outbox', () => {
  test('the first repeat goes at once, later ones fold and wait for the interval', () => {
    const outbox = emptyOutbox();
    queueEvidence(outbox, 'inc-a', detection('a', { observedAt: at(0) }));
    expect(msUntilEvidenceDue(outbox, ms(0), 60_000)).toBe(0);
    expect(takeDueEvidence(outbox, ms(0), 60_000).map((e) => [e.incidentId, e.detection.repeats])).toEqual([
      ['inc-a', undefined],
    ]);
    expect(msUntilEvidenceDue(outbox, ms(1), 60_000)).toBeUndefined();

    for (let s = 1; s <= 30; s++) queueEvidence(outbox, 'inc-a', detection('a', { observedAt: at(s) }));
    queueEvidence(outbox, 'inc-a', detection('a', { observedAt: at(31), repeats: 9 }));
    expect(takeDueEvidence(outbox, ms(31), 60_000)).toEqual([]);
    expect(msUntilEvidenceDue(outbox, ms(31), 60_000)).toBe(29_000);
    const [sent] = takeDueEvidence(outbox, ms(60), 60_000);
    expect(sent.detection).toMatchObject({ fingerprint: 'a', repeats: 39, observedAt: at(1), lastObservedAt: at(31) });
    expect(outbox.pending).toEqual({});
  });

  test('incidents wait independently; `all` flushes everything; a closed incident is forgotten', () => {
    const outbox = emptyOutbox();
    queueEvidence(outbox, 'inc-a', detection('a', { observedAt: at(0) }));
    takeDueEvidence(outbox, ms(0), 10_000);
    queueEvidence(outbox, 'inc-a', detection('a', { observedAt: at(1) }));
    queueEvidence(outbox, 'inc-b', detection('b', { observedAt: at(1) }));
    expect(takeDueEvidence(outbox, ms(2), 10_000).map((e) => e.incidentId)).toEqual(['inc-b']);
    expect(takeDueEvidence(outbox, ms(3), 10_000, true).map((e) => e.incidentId)).toEqual(['inc-a']);
    queueEvidence(outbox, 'inc-b', detection('b', { observedAt: at(4) }));
    dropEvidence(outbox, 'inc-b');
    expect(outbox).toEqual({ pending: {}, lastSentAt: { 'inc-a': ms(3) } });
  });

  test('the caller keeps its detection: queueing copies it', () => {
    const outbox = emptyOutbox();
    const first = detection('a', { observedAt: at(0) });
    queueEvidence(outbox, 'inc-a', first);
    queueEvidence(outbox, 'inc-a', detection('a', { observedAt: at(5) }));
    expect(first.repeats).toBeUndefined();
    expect(outbox.pending['inc-a'].repeats).toBe(2);
  });

  test('first evidence is taken by the outbox alone, whatever the clock says', () => {
    const outbox = emptyOutbox();
    queueEvidence(outbox, 'inc-a', detection('fp-a'));
    expect(takeFirstEvidence(outbox, 1_000).map((d) => d.incidentId)).toEqual(['inc-a']);
    queueEvidence(outbox, 'inc-a', detection('fp-a'));
    queueEvidence(outbox, 'inc-b', detection('fp-b'));
    // inc-a had evidence forwarded: even far past its interval it waits for the timer (takeDueEvidence).
    expect(takeFirstEvidence(outbox, 10_000_000).map((d) => d.incidentId)).toEqual(['inc-b']);
    expect(hasPendingEvidence(outbox)).toBe(true);
    expect(takeDueEvidence(outbox, 10_000_000, 60_000, true).map((d) => d.incidentId)).toEqual(['inc-a']);
    expect(hasPendingEvidence(outbox)).toBe(false);
  });
  test('the evidence clock waits only for repeats: a first repeat needs no timer', () => {
    const outbox = emptyOutbox();
    expect(msUntilRepeatDue(undefined, ms(0), 60_000)).toBeUndefined();
    queueEvidence(outbox, 'inc-a', detection('a', { observedAt: at(0) }));
    expect(msUntilRepeatDue(outbox, ms(0), 60_000)).toBeUndefined();
    takeFirstEvidence(outbox, ms(0));
    queueEvidence(outbox, 'inc-a', detection('a', { observedAt: at(10) }));
    queueEvidence(outbox, 'inc-b', detection('b', { observedAt: at(10) }));
    // inc-b is a first repeat (no wait); inc-a was forwarded at 0 s and may go again at 60 s.
    expect(msUntilRepeatDue(outbox, ms(10), 60_000)).toBe(50_000);
    expect(msUntilRepeatDue(outbox, ms(70), 60_000)).toBe(0);
  });
});
