// The daily spend ledger. Pure: the budget entity workflow applies these to its state; Temporal runs its
// update handlers one at a time, so a reservation check and its booking can never interleave.
//
// reserve(id, estimate): held only if spent + held + estimate ≤ limit. Idempotent by id.
// settle(id, actual):    releases the hold and books the actual cost (and the call's statistics). Idempotent by id.
import { roundUsd } from './prices';
import { recordSample, type BucketStats, type CallSample } from './stats';

export interface BudgetLedger {
  day: string; // YYYYMMDD (UTC)
  limitUsd: number;
  spentUsd: number;
  /** Open reservations: id → held amount. */
  held: Record<string, number>;
  /** Settled reservation ids → booked cost (kept for idempotence). */
  settled: Record<string, number>;
  denied: number;
  calls: number;
  /** The day's calls per 10-minute bucket and model (absent in ledgers written before statistics were kept). */
  stats?: BucketStats;
}

export interface ReserveRequest {
  id: string;
  estimateUsd: number;
}
export interface ReserveResult {
  ok: boolean;
  remainingUsd: number;
  spentUsd: number;
  heldUsd: number;
  limitUsd: number;
}
export interface SettleRequest {
  id: string;
  actualUsd: number;
  /** What the reservation was spent on, for the shared call statistics. */
  call?: CallSample;
}

export function emptyLedger(day: string, limitUsd: number): BudgetLedger {
  return { day, limitUsd, spentUsd: 0, held: {}, settled: {}, denied: 0, calls: 0 };
}

export function heldUsd(ledger: BudgetLedger): number {
  return roundUsd(Object.values(ledger.held).reduce((sum, amount) => sum + amount, 0));
}

function view(ledger: BudgetLedger, ok: boolean): ReserveResult {
  const held = heldUsd(ledger);
  return {
    ok,
    spentUsd: ledger.spentUsd,
    heldUsd: held,
    limitUsd: ledger.limitUsd,
    remainingUsd: roundUsd(Math.max(0, ledger.limitUsd - ledger.spentUsd - held)),
  };
}

export function reserve(
  ledger: BudgetLedger,
  request: ReserveRequest,
): { ledger: BudgetLedger; result: ReserveResult } {
  if (request.id in ledger.held || request.id in ledger.settled) return { ledger, result: view(ledger, true) };
  const estimate = roundUsd(Math.max(0, request.estimateUsd));
  if (roundUsd(ledger.spentUsd + heldUsd(ledger) + estimate) > ledger.limitUsd) {
    const next = { ...ledger, denied: ledger.denied + 1 };
    return { ledger: next, result: view(next, false) };
  }
  const next = { ...ledger, held: { ...ledger.held, [request.id]: estimate } };
  return { ledger: next, result: view(next, true) };
}

/**
 * Books the actual cost. The actual can exceed the estimate (a longer answer than guessed); the ledger
 * records what was really spent, and later reservations see it.
 */
export function settle(ledger: BudgetLedger, request: SettleRequest): BudgetLedger {
  if (request.id in ledger.settled) return ledger;
  const held = { ...ledger.held };
  delete held[request.id];
  const actual = roundUsd(Math.max(0, request.actualUsd));
  return {
    ...ledger,
    held,
    settled: { ...ledger.settled, [request.id]: actual },
    spentUsd: roundUsd(ledger.spentUsd + actual),
    calls: ledger.calls + 1,
    ...(request.call ? { stats: recordSample(ledger.stats ?? {}, request.call) } : {}),
  };
}

/** YYYYMMDD of a UTC instant: the ledger's and the call log's day. */
export function utcDay(isoOrDate: string | Date): string {
  const iso = typeof isoOrDate === 'string' ? isoOrDate : isoOrDate.toISOString();
  return iso.slice(0, 10).replace(/-/g, '');
}
