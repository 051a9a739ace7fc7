import { emptyLedger, heldUsd, reserve, settle, utcDay } from '../../../core/model/budget';
import { costUsd, parsePriceOverrides, priceFor, UNKNOWN_MODEL_PRICE } from '../../../core/model/prices';

test('reservations hold money until settled and are refused past the limit', () => {
  let ledger = emptyLedger('20260101', 0.03);
  for (const id of ['a', 'b', 'c']) {
    const next = reserve(ledger, { id, estimateUsd: 0.01 });
    expect(next.result.ok).toBe(true);
    ledger = next.ledger;
  }
  const refused = reserve(ledger, { id: 'd', estimateUsd: 0.01 });
  expect(refused.result).toMatchObject({ ok: false, remainingUsd: 0 });
  ledger = refused.ledger;
  // Settling below the estimate frees the difference.
  ledger = settle(ledger, { id: 'a', actualUsd: 0.004 });
  expect([ledger.spentUsd, heldUsd(ledger), ledger.denied]).toEqual([0.004, 0.02, 1]);
  expect(reserve(ledger, { id: 'e', estimateUsd: 0.006 }).result.ok).toBe(true);
});

test('reserve and settle are idempotent by id', () => {
  let ledger = reserve(emptyLedger('20260101', 1), { id: 'x', estimateUsd: 0.5 }).ledger;
  ledger = reserve(ledger, { id: 'x', estimateUsd: 0.5 }).ledger;
  expect(heldUsd(ledger)).toBe(0.5);
  ledger = settle(ledger, { id: 'x', actualUsd: 0.2 });
  ledger = settle(ledger, { id: 'x', actualUsd: 0.2 });
  expect([ledger.spentUsd, ledger.calls]).toEqual([0.2, 1]);
  expect(reserve(ledger, { id: 'x', estimateUsd: 0.5 }).ledger).toBe(ledger); // a late retry of a settled reservation
});

test('prices: exact, prefix (dated variants), unknown (dearest of its provider, else the dearest overall), overrides', () => {
  expect(priceFor('gemini-2.5-flash')).toEqual({ inputPerMTok: 0.3, outputPerMTok: 2.5 });
  expect(priceFor('models/gemini-2.5-flash-preview-09-2025')).toEqual({ inputPerMTok: 0.3, outputPerMTok: 2.5 });
  expect(priceFor('gemini-2.5-flash-lite')).toEqual({ inputPerMTok: 0.1, outputPerMTok: 0.4 });
  expect(priceFor('gemini-9-ultra')).toEqual({ inputPerMTok: 2, outputPerMTok: 12 });
  expect(priceFor('mystery-model')).toBe(UNKNOWN_MODEL_PRICE);
  expect(costUsd('gemini-2.5-flash', 1_000_000, 1_000_000)).toBe(2.8);
  const table = parsePriceOverrides('{"gemini-9-ultra":{"inputPerMTok":5,"outputPerMTok":20}}');
  expect(costUsd('gemini-9-ultra', 1000, 1000, table)).toBe(0.025);
  expect(() => parsePriceOverrides('{"x":{"inputPerMTok":"cheap"}}')).toThrow('HEALER_MODEL_PRICES.x');
});

test('days are UTC', () => {
  expect(utcDay('2026-03-04T23:59:59.999Z')).toBe('20260304');
  expect(utcDay(new Date('2026-03-05T00:00:00Z'))).toBe('20260305');
});
