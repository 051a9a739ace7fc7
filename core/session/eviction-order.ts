// Which tracked fingerprint goes when the session tracks too many: the one seen longest ago (earliest
// `lastSeen`), ties to the one first in the object's key order, incidents never. Scanning every entry
// for each new failure cost ~1 s per 8,000 new failures and timed workflow tasks out on a large push;
// this queue picks exactly the same entries in O(log n) each. Same choices: a replayed session is unchanged.
import type { FingerprintView } from '../contract';

interface Entry {
  fingerprint: string;
  lastSeen: string;
  /** Position in the object's key order: array-index keys first, by value; then others as inserted. */
  order: [number, number];
}

/** JavaScript orders an object's array-index keys ("0" … "4294967294") before all others, numerically. */
const isArrayIndex = (key: string) => String(Number(key) >>> 0) === key && key !== '4294967295';

const before = (a: Entry, b: Entry) =>
  a.lastSeen !== b.lastSeen
    ? a.lastSeen < b.lastSeen
    : a.order[0] !== b.order[0]
      ? a.order[0] < b.order[0]
      : a.order[1] < b.order[1];

export class EvictionQueue {
  private readonly heap: Entry[] = [];
  private inserted = 0;

  constructor(fingerprints: Record<string, FingerprintView>) {
    for (const view of Object.values(fingerprints)) this.added(view);
  }

  /** A fingerprint just tracked (inserted last in key order). */
  added(view: FingerprintView): void {
    if (view.incidentId) return;
    const order: [number, number] = isArrayIndex(view.fingerprint)
      ? [0, Number(view.fingerprint)]
      : [1, this.inserted++];
    this.push({ fingerprint: view.fingerprint, lastSeen: view.lastSeen, order });
  }

  /** The entry to evict now, or undefined when every tracked fingerprint has an incident. */
  oldest(fingerprints: Record<string, FingerprintView>): FingerprintView | undefined {
    while (this.heap.length > 0) {
      const top = this.pop();
      const current = fingerprints[top.fingerprint];
      if (!current || current.incidentId) continue;
      // Seen again since it was queued: back in line under its new time, in the same key position.
      if (current.lastSeen !== top.lastSeen) {
        this.push({ ...top, lastSeen: current.lastSeen });
        continue;
      }
      return current;
    }
    return undefined;
  }

  private push(entry: Entry): void {
    const heap = this.heap;
    heap.push(entry);
    for (let i = heap.length - 1; i > 0;) {
      const parent = (i - 1) >> 1;
      if (!before(heap[i], heap[parent])) break;
      [heap[i], heap[parent]] = [heap[parent], heap[i]];
      i = parent;
    }
  }

  private pop(): Entry {
    const heap = this.heap;
    const top = heap[0];
    const last = heap.pop()!;
    if (heap.length > 0) {
      heap[0] = last;
      for (let i = 0; ;) {
        const left = 2 * i + 1;
        const right = left + 1;
        let smallest = i;
        if (left < heap.length && before(heap[left], heap[smallest])) smallest = left;
        if (right < heap.length && before(heap[right], heap[smallest])) smallest = right;
        if (smallest === i) break;
        [heap[i], heap[smallest]] = [heap[smallest], heap[i]];
        i = smallest;
      }
    }
    return top;
  }
}
