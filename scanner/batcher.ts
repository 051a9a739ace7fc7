// Groups detections per target workflow and stream into `detections` signals: a batch leaves after
// `flushMs` (250 ms) or `maxItems` (100) distinct detections. Repeats of a fingerprint within a batch
// travel as one detection with a `repeats` count, so a flood of one failure costs one signal per
// window. The buffer is bounded: `add` waits when it is full, which stops the source (backpressure).
// Sends to one workflow stay in order and are retried until they succeed.
//
// Exactly-once application across restarts: every batch of positioned detections gets a batchId derived
// from (workflow, stream, first position, last position) and is recorded in the stream state before it
// is sent. After a restart the source re-reads from its cursor, and `prime` makes the batcher rebuild the
// recorded batches with the same boundaries and ids, so the session ignores the ones it already applied.
import type { Detection } from '../core/contract';
import { foldRepeat, hash64 } from '../core/detection';
import type { DetectionBatch } from '../core/contract';
import type { Target } from './attribution';
import type { BatchRecord } from './state';
import { comparePositions } from './types';
import { sleep } from './sources/queue';

export interface BatchItem {
  detection: Detection;
  stream: string;
  /** Position in the stream (line sources); absent for state alerts. */
  position?: string;
  /** Identity of position-less items (state alert key), for a deterministic batchId. */
  id?: string;
  onDelivered?: () => void;
}

export type DeliverFn = (target: Target, batch: DetectionBatch) => Promise<void>;

export interface BatcherOptions {
  deliver: DeliverFn;
  flushMs?: number;
  maxItems?: number;
  /** Detections buffered or in flight before `add` waits. */
  maxBuffered?: number;
  /** Persist the batch record before its first send (the state store does this synchronously). */
  beforeSend?: (stream: string, record: BatchRecord) => void;
  retryInitialMs?: number;
  retryMaxMs?: number;
  log?: (message: string) => void;
}

interface OpenBatch {
  key: string;
  target: Target;
  stream: string;
  /** Every item added (positions, delivery callbacks). */
  items: BatchItem[];
  /** The payload: one detection per fingerprint, in first-seen order. */
  detections: Detection[];
  byFingerprint: Map<string, Detection>;
  timer?: NodeJS.Timeout;
  plan?: BatchRecord;
}

export class BatcherClosedError extends Error {
  constructor() {
    super('batcher closed');
  }
}

export function batchIdFor(workflowId: string, stream: string, ids: string[]): string {
  return `b-${hash64([workflowId, stream, ...ids].join('\u0000'))}`;
}

/** Adds an item to a batch, folding a repeat of a fingerprint already in it into that detection. */
function addItem(batch: OpenBatch, item: BatchItem): void {
  batch.items.push(item);
  const d = item.detection;
  const first = batch.byFingerprint.get(d.fingerprint);
  if (!first) {
    const own = { ...d }; // the batch updates its copy, never the caller's object
    batch.byFingerprint.set(d.fingerprint, own);
    batch.detections.push(own);
    return;
  }
  foldRepeat(first, d);
}

export class Batcher {
  private readonly open = new Map<string, OpenBatch>();
  private readonly plans = new Map<string, BatchRecord[]>();
  private readonly chains = new Map<string, Promise<void>>();
  private buffered = 0;
  private readonly spaceWaiters: Array<{ resolve: () => void; reject: (e: Error) => void }> = [];
  private closed = false;
  private readonly abort = new AbortController();
  /** Batches sent (for metrics and tests). */
  sentBatches = 0;
  private readonly flushMs: number;
  private readonly maxItems: number;
  private readonly maxBuffered: number;

  constructor(private readonly opts: BatcherOptions) {
    this.flushMs = opts.flushMs ?? 250;
    this.maxItems = opts.maxItems ?? 100;
    this.maxBuffered = opts.maxBuffered ?? 10_000;
  }

  /** Batches recorded before a restart: rebuild them with the same boundaries and ids. */
  prime(stream: string, records: BatchRecord[]): void {
    for (const r of records) {
      const key = this.key(r.workflowId, stream);
      const list = this.plans.get(key) ?? [];
      list.push(r);
      list.sort((a, b) => comparePositions(a.firstPosition, b.firstPosition));
      this.plans.set(key, list);
    }
  }

  get bufferedCount(): number {
    return this.buffered;
  }

  /** Accepts one detection; resolves once it is buffered (waits while the buffer is full). */
  async add(target: Target, item: BatchItem): Promise<void> {
    if (this.closed) throw new BatcherClosedError();
    while (this.buffered >= this.maxBuffered) {
      await new Promise<void>((resolve, reject) => this.spaceWaiters.push({ resolve, reject }));
      if (this.closed) throw new BatcherClosedError();
    }
    this.buffered++;
    const key = this.key(target.workflowId, item.stream);
    const plan = item.position !== undefined ? this.activePlan(key, item.position) : undefined;
    let batch = this.open.get(key);
    if (plan) {
      if (batch && batch.plan !== plan) this.flush(batch);
      batch = this.open.get(key);
      if (!batch) this.open.set(key, (batch = this.newBatch(key, target, item.stream, plan)));
      addItem(batch, item);
      if (item.position === plan.lastPosition) {
        this.plans.get(key)!.shift();
        this.flush(batch);
      }
      return;
    }
    if (batch?.plan) this.flush(batch); // an item past an incomplete plan: send what the plan has
    batch = this.open.get(key);
    if (!batch) this.open.set(key, (batch = this.newBatch(key, target, item.stream)));
    addItem(batch, item);
    if (batch.detections.length >= this.maxItems) this.flush(batch);
    else batch.timer ??= setTimeout(() => this.flush(batch!), this.flushMs);
  }

  /** Sends every open batch (except incomplete replays) and waits for all sends. */
  async drain(): Promise<void> {
    for (const batch of [...this.open.values()]) if (!batch.plan) this.flush(batch);
    await Promise.all([...this.chains.values()]);
  }

  /** Stops retrying; undelivered detections stay behind the cursor and are re-read after a restart. */
  async close(): Promise<void> {
    this.closed = true;
    this.abort.abort();
    for (const batch of this.open.values()) clearTimeout(batch.timer);
    this.open.clear();
    for (const w of this.spaceWaiters.splice(0)) w.reject(new BatcherClosedError());
    await Promise.allSettled([...this.chains.values()]);
  }

  private newBatch(key: string, target: Target, stream: string, plan?: BatchRecord): OpenBatch {
    return { key, target, stream, items: [], detections: [], byFingerprint: new Map(), ...(plan ? { plan } : {}) };
  }

  private key(workflowId: string, stream: string): string {
    return `${workflowId}\u0000${stream}`;
  }

  /** The recorded batch `position` belongs to; plans the stream has already passed are dropped. */
  private activePlan(key: string, position: string): BatchRecord | undefined {
    const list = this.plans.get(key);
    while (list?.length) {
      const plan = list[0];
      if (comparePositions(position, plan.firstPosition) < 0) return undefined;
      if (comparePositions(position, plan.lastPosition) <= 0) return plan;
      // Past the plan's last position without seeing it (the catalog changed?): finish what we have.
      const open = this.open.get(key);
      if (open?.plan === plan) this.flush(open);
      list.shift();
    }
    return undefined;
  }

  private flush(batch: OpenBatch): void {
    if (this.open.get(batch.key) !== batch) return;
    this.open.delete(batch.key);
    clearTimeout(batch.timer);
    const { items, target, stream } = batch;
    if (items.length === 0) return;
    const positions = items.map((i) => i.position).filter((p): p is string => p !== undefined);
    const batchId =
      batch.plan?.batchId ??
      batchIdFor(
        target.workflowId,
        stream,
        items.map((i) => i.position ?? i.id ?? `${i.detection.fingerprint}@${i.detection.observedAt}`),
      );
    if (positions.length > 0 && !batch.plan) {
      this.opts.beforeSend?.(stream, {
        workflowId: target.workflowId,
        batchId,
        firstPosition: positions[0],
        lastPosition: positions[positions.length - 1],
        count: items.length,
      });
    }
    const payload: DetectionBatch = { batchId, detections: batch.detections };
    const previous = this.chains.get(batch.key) ?? Promise.resolve();
    const chain = previous
      .then(() => this.sendWithRetry(target, payload))
      .then(
        (delivered) => {
          if (!delivered) return;
          this.sentBatches++;
          for (const i of items) i.onDelivered?.();
          this.release(items.length);
        },
        () => undefined,
      );
    this.chains.set(batch.key, chain);
    void chain.then(() => {
      if (this.chains.get(batch.key) === chain) this.chains.delete(batch.key);
    });
  }

  private release(n: number): void {
    this.buffered -= n;
    while (this.buffered < this.maxBuffered && this.spaceWaiters.length) this.spaceWaiters.shift()!.resolve();
  }

  /** True once delivered; false when the batcher closed first. */
  private async sendWithRetry(target: Target, batch: DetectionBatch): Promise<boolean> {
    let delay = this.opts.retryInitialMs ?? 200;
    const max = this.opts.retryMaxMs ?? 10_000;
    for (;;) {
      if (this.closed) return false;
      try {
        await this.opts.deliver(target, batch);
        return true;
      } catch (error) {
        if (this.closed) return false;
        this.opts.log?.(
          `delivering ${batch.detections.length} detection(s) to ${target.workflowId} failed (${(error as Error).message}); retrying in ${delay} ms`,
        );
        await sleep(delay, this.abort.signal);
        delay = Math.min(max, delay * 2);
      }
    }
  }
}
