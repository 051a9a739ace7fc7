// A bounded async queue: producers await `push` when it is full (backpressure), one consumer iterates.
export class AsyncQueue<T> implements AsyncIterable<T> {
  private readonly items: T[] = [];
  private readonly producers: Array<() => void> = [];
  private consumer?: () => void;
  private closed = false;

  constructor(private readonly capacity = 1000) {}

  async push(item: T): Promise<void> {
    while (this.items.length >= this.capacity && !this.closed) await new Promise<void>((r) => this.producers.push(r));
    if (this.closed) return;
    this.items.push(item);
    this.consumer?.();
  }

  close(): void {
    this.closed = true;
    this.consumer?.();
    for (const p of this.producers.splice(0)) p();
  }

  async *[Symbol.asyncIterator](): AsyncIterator<T> {
    for (;;) {
      if (this.items.length) {
        yield this.items.shift()!;
        this.producers.shift()?.();
        continue;
      }
      if (this.closed) return;
      await new Promise<void>((r) => (this.consumer = r));
      this.consumer = undefined;
    }
  }
}

/** Resolves after `ms`, or at once when `signal` aborts (never rejects; leaves no listener behind). */
export const sleep = (ms: number, signal: AbortSignal): Promise<void> =>
  new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const onAbort = (): void => {
      clearTimeout(timer);
      resolve();
    };
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal.addEventListener('abort', onAbort, { once: true });
  });
