// What sources produce and what the pipeline consumes.
import type { Detection } from '../core/contract';

export type Labels = Record<string, string>;

/**
 * A log line from a stream. `position` orders lines within the stream: positions compare as strings
 * (sources pad their numbers) and resuming "after" a position re-reads nothing before it.
 */
export interface LineRecord {
  kind: 'line';
  stream: string;
  position: string;
  line: string;
  labels: Labels;
  observedAt: string;
  lineNumber?: number;
}

/** A detection raised from cluster state (A7-A9). `key` identifies it: it is raised once. */
export interface AlertRecord {
  kind: 'alert';
  stream: string;
  key: string;
  detection: Detection;
  labels: Labels;
  /** Called once the alert reached its session (sources remember what they raised). */
  onDelivered?: () => void;
}

export type SourceRecord = LineRecord | AlertRecord;

export interface SourceContext {
  signal: AbortSignal;
  /** The last delivered position of a stream, if any (resume after it). */
  cursor(stream: string): string | undefined;
  log(message: string): void;
}

export interface Source {
  name: string;
  records(ctx: SourceContext): AsyncIterable<SourceRecord>;
}

export const comparePositions = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/** Zero-padded decimal so positions compare as strings. */
export const pad = (n: number | bigint, width: number): string => n.toString().padStart(width, '0');
