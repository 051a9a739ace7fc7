// Pushed lines as the session's log store keeps them (core/contract/log-store.ts): redacted, cut, labelled,
// and timed by their own leading timestamp when it is near the push (an agent's buffered output), else by
// the push. Split into appends that each stay well under Temporal's payload limit.
import { LOG_STORE_LIMITS, sanitiseLine, type StoredLogLine } from '../contract';
import { redact } from '../detection/redact';

/** A line's own time counts only this close to the push (a replayed old log keeps the push time). */
const OWN_TIME_TOLERANCE_MS = 60 * 60_000;
const LEADING_TIME = /^\s*\[?(\d{4}-\d\d-\d\d[T ]\d\d:\d\d:\d\d(?:[.,]\d+)?(?:Z|[+-]\d\d:?\d\d)?)/;

/** The line's leading timestamp (no zone: UTC) when it is within an hour of `pushedAt`. */
export function lineTime(line: string, pushedAt: string): string {
  const match = LEADING_TIME.exec(line);
  if (!match) return pushedAt;
  const text = match[1].replace(' ', 'T').replace(',', '.');
  const ms = Date.parse(/Z|[+-]\d\d:?\d\d$/.test(text) ? text : `${text}Z`);
  if (Number.isNaN(ms) || Math.abs(ms - Date.parse(pushedAt)) > OWN_TIME_TOLERANCE_MS) return pushedAt;
  return new Date(ms).toISOString();
}

export function storedLines(
  lines: readonly string[],
  labels: { agent?: string; pod?: string; task_id?: string },
  pushedAt: string,
): StoredLogLine[] {
  return lines.map((raw) => ({
    at: lineTime(raw, pushedAt),
    line: redact(sanitiseLine(raw)).slice(0, LOG_STORE_LIMITS.lineChars),
    ...(labels.agent ? { agent: labels.agent.toLowerCase() } : {}),
    ...(labels.pod ? { pod: labels.pod } : {}),
    ...(labels.task_id ? { taskId: labels.task_id } : {}),
  }));
}

/** Consecutive parts of at most `maxBytes` (JSON size) each. */
export function splitLines(
  lines: readonly StoredLogLine[],
  maxBytes: number = LOG_STORE_LIMITS.signalBytes,
): StoredLogLine[][] {
  const parts: StoredLogLine[][] = [];
  let part: StoredLogLine[] = [];
  let size = 0;
  for (const line of lines) {
    const bytes = JSON.stringify(line).length + 1;
    if (part.length > 0 && size + bytes > maxBytes) {
      parts.push(part);
      part = [];
      size = 0;
    }
    part.push(line);
    size += bytes;
  }
  if (part.length) parts.push(part);
  return parts;
}
