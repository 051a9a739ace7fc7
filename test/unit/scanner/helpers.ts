// Helpers for scanner tests: collect records from a source until a condition holds.
import type { Source, SourceRecord } from '../../../scanner/types';

export interface Collector {
  records: SourceRecord[];
  lines(): string[];
  until(predicate: (records: SourceRecord[]) => boolean, timeoutMs?: number): Promise<void>;
  stop(): Promise<void>;
  logs: string[];
}

/** Runs `source` in the background with the given cursors, collecting its records. */
export function collect(source: Source, cursors: Record<string, string> = {}): Collector {
  const controller = new AbortController();
  const records: SourceRecord[] = [];
  const logs: string[] = [];
  const waiters: Array<() => void> = [];
  const running = (async () => {
    for await (const r of source.records({
      signal: controller.signal,
      cursor: (s) => cursors[s],
      log: (m) => logs.push(m),
    })) {
      records.push(r);
      for (const w of waiters.splice(0)) w();
    }
  })();
  return {
    records,
    logs,
    lines: () => records.map((r) => (r.kind === 'line' ? r.line : r.detection.line)),
    async until(predicate, timeoutMs = 10_000) {
      const deadline = Date.now() + timeoutMs;
      while (!predicate(records)) {
        if (Date.now() > deadline)
          throw new Error(
            `timed out; have ${records.length} record(s): ${JSON.stringify(records.map((r) => (r.kind === 'line' ? r.line : r.key)))}; logs: ${logs.join(' | ')}`,
          );
        await new Promise<void>((resolve) => {
          waiters.push(resolve);
          setTimeout(resolve, 50);
        });
      }
    },
    async stop() {
      controller.abort();
      await running;
    },
  };
}

/** The cursor a consumer would persist after the last record of each stream. */
export function lastPositions(records: SourceRecord[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const r of records) if (r.kind === 'line') out[r.stream] = r.position;
  return out;
}
