// One push of many lines becomes as many `detections` signals as its size needs: repeats of a
// fingerprint are folded into one detection (as the scanner's batcher does), and what is left is cut
// into batches of at most MAX_SIGNAL_CHARS of JSON each, in order. The cut depends only on the
// detections, so the same push cut again gives the same batches (and, with the same key, the same ids).
import { MAX_SIGNAL_CHARS, type Detection } from '../contract';
import { foldRepeat } from './fold';

/** Folds repeats of a fingerprint into its first detection (copies: the caller's objects stay as they were). */
export function foldByFingerprint(detections: readonly Detection[]): Detection[] {
  const byFingerprint = new Map<string, Detection>();
  const folded: Detection[] = [];
  for (const detection of detections) {
    const first = byFingerprint.get(detection.fingerprint);
    if (first) {
      foldRepeat(first, detection);
      continue;
    }
    const own = { ...detection };
    byFingerprint.set(detection.fingerprint, own);
    folded.push(own);
  }
  return folded;
}

/** Consecutive batches, each at most `maxChars` of JSON (a single larger detection travels alone). */
export function splitBySize(detections: readonly Detection[], maxChars = MAX_SIGNAL_CHARS): Detection[][] {
  const batches: Detection[][] = [];
  let current: Detection[] = [];
  let chars = 0;
  for (const detection of detections) {
    const size = JSON.stringify(detection).length + 1;
    if (current.length > 0 && chars + size > maxChars) {
      batches.push(current);
      current = [];
      chars = 0;
    }
    current.push(detection);
    chars += size;
  }
  if (current.length > 0) batches.push(current);
  return batches;
}
