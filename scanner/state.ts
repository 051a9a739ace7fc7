// Durable scanner state under a directory: one JSON file per stream (cursor + batches sent past it) and
// named blobs for sources (e.g. which state alerts were raised). Writes are atomic (temp file + rename).
import { mkdirSync, readFileSync, readdirSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { hash64 } from '../core/detection';

/** A batch that was (or is being) sent, remembered until the stream cursor passes it. */
export interface BatchRecord {
  workflowId: string;
  batchId: string;
  firstPosition: string;
  lastPosition: string;
  count: number;
}

export interface StreamState {
  stream: string;
  /** Everything up to and including this position was delivered (or held no detection). */
  cursor?: string;
  batches: BatchRecord[];
}

const fileName = (kind: string, name: string): string => `${kind}-${hash64(name)}.json`;

export class StateStore {
  private readonly streams = new Map<string, StreamState>();

  constructor(readonly dir: string) {
    mkdirSync(dir, { recursive: true });
    for (const f of readdirSync(dir)) {
      if (!f.startsWith('stream-') || !f.endsWith('.json')) continue;
      try {
        const s = JSON.parse(readFileSync(join(dir, f), 'utf8')) as StreamState;
        this.streams.set(s.stream, { stream: s.stream, cursor: s.cursor, batches: s.batches ?? [] });
      } catch {
        // A torn file cannot happen with rename; anything unreadable is ignored (the stream restarts).
      }
    }
  }

  stream(stream: string): StreamState {
    let s = this.streams.get(stream);
    if (!s) this.streams.set(stream, (s = { stream, batches: [] }));
    return s;
  }

  cursor(stream: string): string | undefined {
    return this.streams.get(stream)?.cursor;
  }

  allStreams(): StreamState[] {
    return [...this.streams.values()];
  }

  saveStream(stream: string): void {
    this.write(fileName('stream', stream), this.stream(stream));
  }

  loadBlob<T>(name: string): T | undefined {
    try {
      return JSON.parse(readFileSync(join(this.dir, fileName('blob', name)), 'utf8')) as T;
    } catch {
      return undefined;
    }
  }

  saveBlob(name: string, value: unknown): void {
    this.write(fileName('blob', name), value);
  }

  private write(name: string, value: unknown): void {
    const path = join(this.dir, name);
    const tmp = `${path}.${process.pid}.tmp`;
    writeFileSync(tmp, JSON.stringify(value));
    renameSync(tmp, path);
  }
}
