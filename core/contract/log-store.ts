// The pushed-lines store of a play session (workflow id `logs-<play_id>`): lines pushed through the API
// or MCP `send_logs` are kept here, bounded, so the incident of any worker can read the window around
// its detection. Temporal holds it: every API and worker replica reads the same lines.
import { defineQuery, defineSignal } from '@temporalio/workflow';

export const logStoreWorkflowId = (playId: string): string => `logs-${playId}`;

/** One pushed line, already sanitised and redacted by the API. */
export interface StoredLogLine {
  /** ISO-8601: the line's own leading timestamp when it has one near the push, else the push time. */
  at: string;
  line: string;
  agent?: string;
  pod?: string;
  taskId?: string;
}

export interface AppendLogsSignal {
  /** Deterministic per push and part, so a retried push is stored once. */
  batchId: string;
  lines: StoredLogLine[];
}

/** Lines with `from <= at <= to`, oldest first, at most `limit` (the newest ones when more). */
export interface LogWindowRequest {
  from: string;
  to: string;
  limit?: number;
}

export const appendLogsSignal = defineSignal<[AppendLogsSignal]>('appendLogs');
export const logWindowQuery = defineQuery<StoredLogLine[], [LogWindowRequest]>('logWindow');

/** Bounds of the store: whichever is reached first evicts the oldest lines. */
export const LOG_STORE_LIMITS = {
  /** Lines kept per session. */
  lines: 5000,
  /** Bytes kept per session (JSON size): well under Temporal's 2 MB payload limit, carried across continue-as-new. */
  bytes: 1_000_000,
  /** Lines older than this (by their time) are dropped; a store idle this long completes. */
  retentionMs: 30 * 60_000,
  /** Longest line kept (characters); longer lines are cut. */
  lineChars: 2000,
  /** Largest append signal the API sends (bytes); a bigger push travels as several. */
  signalBytes: 256_000,
} as const;
