// What the scanner (and the API's log push, which scans with the same matcher) counts: lines read per
// source, how far behind its source it reads, and every delivered `detections` signal (its size, and its
// detections by code and source). The process registry is looked up when counting, not when this module
// is loaded, so the component label is the one the process named first (api, scanner).
import { occurrencesOf, type DetectionSource } from '../core/contract';
import { healerMetrics, type HealerMetrics } from '../runtime/metrics';
import type { DeliverFn } from './batcher';

/** Counts each batch once it is delivered (a batch re-sent after a crash counts again; the session dedups it). */
export function countDeliveries(deliver: DeliverFn, metrics: () => HealerMetrics = () => healerMetrics()): DeliverFn {
  return async (target, batch) => {
    await deliver(target, batch);
    const m = metrics();
    m.signalsSent.inc({ signal: 'detections' });
    m.detectionBatchSize.observe(batch.detections.length);
    for (const d of batch.detections) m.detections.inc({ code: d.code, source: d.source }, occurrencesOf(d));
  };
}

/** Lines are counted locally and flushed every this many lines, and before every read of the metrics. */
const FLUSH_EVERY = 1024;

interface SourceMeter {
  source: DetectionSource;
  pending: number;
  /** The newest line's own timestamp. */
  observedAt: string;
}

/**
 * Per-line counting for the pipeline at the cost of an increment: counts are flushed to the registry every
 * 1,024 lines (when the lag is sampled too: receipt time minus that line's timestamp) and on every scrape.
 */
export class ScanMeter {
  private readonly sources = new Map<DetectionSource, SourceMeter>();
  private last?: SourceMeter;

  constructor(
    private readonly metrics: HealerMetrics = healerMetrics(),
    private readonly clock: () => number = Date.now,
  ) {
    metrics.onCollect(() => this.sources.forEach((meter) => this.flush(meter)));
  }

  line(source: DetectionSource, observedAt: string): void {
    let meter = this.last;
    if (meter?.source !== source) {
      meter = this.sources.get(source);
      if (!meter) this.sources.set(source, (meter = { source, pending: 0, observedAt }));
      this.last = meter;
    }
    meter.observedAt = observedAt;
    if (++meter.pending >= FLUSH_EVERY) {
      this.flush(meter);
      const observed = Date.parse(observedAt);
      if (Number.isFinite(observed))
        this.metrics.sourceLagSeconds.set({ source }, Math.max(0, (this.clock() - observed) / 1000));
    }
  }

  private flush(meter: SourceMeter): void {
    if (meter.pending === 0) return;
    this.metrics.linesScanned.inc({ source: meter.source }, meter.pending);
    meter.pending = 0;
  }

  /** Lines pushed through the API: counted in bulk, no lag (they are scanned as they arrive). */
  static pushed(lines: number, metrics: HealerMetrics = healerMetrics()): void {
    metrics.linesScanned.inc({ source: 'http' }, lines);
  }
}
