// Folding repeats: many occurrences of one fingerprint travel as one detection with a `repeats`
// count and the time of the last occurrence, so a flood costs one payload entry, not thousands.
// The leaf module, not the contract index: `healer scan` must not load the Temporal SDK.
import { occurrencesOf, type Detection } from '../contract/types';

/** Adds `next` (same fingerprint) to `into`, which the caller owns and may change. */
export function foldRepeat(into: Detection, next: Detection): void {
  into.repeats = occurrencesOf(into) + occurrencesOf(next);
  const last = next.lastObservedAt ?? next.observedAt;
  if (last > (into.lastObservedAt ?? into.observedAt)) into.lastObservedAt = last;
}
