// sessionLogStore (`logs-<play_id>`): the lines pushed to a session through the API or MCP, kept where every
// API and worker replica can read them — in Temporal — so an incident reads the window around its
// detection whichever process took the push. Bounded by lines, bytes and age (LOG_STORE_LIMITS); it
// continues as new before its history grows large and completes once idle past the retention.
import {
  allHandlersFinished,
  condition,
  continueAsNew,
  patched,
  setHandler,
  sleep,
  workflowInfo,
} from '@temporalio/workflow';
import { appendLogsSignal, LOG_STORE_LIMITS, logWindowQuery, type StoredLogLine } from '../../core/contract';

export interface LogStoreInput {
  playId: string;
  /** Carried across continue-as-new. */
  carried?: { lines: StoredLogLine[]; recentBatches: string[] };
}

/** Batch ids remembered to apply a retried push once. */
const MAX_REMEMBERED_BATCHES = 256;
/** Continue as new past this many events (each append is one) even when the server has not suggested it. */
const MAX_HISTORY_EVENTS = 2_000;
/** …or past this history size in bytes (appends carry the lines). */
const MAX_HISTORY_BYTES = 8_000_000;

/**
 * patched() id guarding the idle timer: before it, every append cancelled the retention timer and started
 * another. A worker that picked the store up after a hand-over could see two appends in two activations
 * where replay sees them in one, so the timer ids drifted apart and the store failed on replay (found by
 * the chaos suite). Now appends never touch a timer; one timer runs until the store has been idle.
 */
const IDLE_TIMER_PATCH = 'log-store-idle-timer';

const sizeOf = (line: StoredLogLine): number => JSON.stringify(line).length;
const nowMs = (): number => new Date().getTime();

export async function sessionLogStore(input: LogStoreInput): Promise<void> {
  const lines: StoredLogLine[] = [...(input.carried?.lines ?? [])];
  const recentBatches: string[] = [...(input.carried?.recentBatches ?? [])];
  let bytes = lines.reduce((total, line) => total + sizeOf(line), 0);
  let appended = false;
  let lastAppendMs = nowMs();

  const evict = (): void => {
    const cutoff = new Date(new Date().getTime() - LOG_STORE_LIMITS.retentionMs).toISOString();
    while (lines.length > 0 && (lines.length > LOG_STORE_LIMITS.lines || bytes > LOG_STORE_LIMITS.bytes))
      bytes -= sizeOf(lines.shift()!);
    if (lines.some((line) => line.at < cutoff)) {
      const kept = lines.filter((line) => line.at >= cutoff);
      lines.splice(0, lines.length, ...kept);
      bytes = kept.reduce((total, line) => total + sizeOf(line), 0);
    }
  };

  setHandler(appendLogsSignal, ({ batchId, lines: added }) => {
    if (recentBatches.includes(batchId)) return;
    recentBatches.push(batchId);
    recentBatches.splice(0, Math.max(0, recentBatches.length - MAX_REMEMBERED_BATCHES));
    for (const line of added) {
      const kept = { ...line, line: line.line.slice(0, LOG_STORE_LIMITS.lineChars) };
      lines.push(kept);
      bytes += sizeOf(kept);
    }
    evict();
    appended = true;
    lastAppendMs = nowMs();
  });

  setHandler(logWindowQuery, ({ from, to, limit }) => {
    const inWindow = lines
      .filter((line) => line.at >= from && line.at <= to)
      .sort((a, b) => (a.at < b.at ? -1 : a.at > b.at ? 1 : 0));
    return limit !== undefined && inWindow.length > limit ? inWindow.slice(-limit) : inWindow;
  });

  const tooLong = (): boolean =>
    workflowInfo().continueAsNewSuggested ||
    workflowInfo().historyLength > MAX_HISTORY_EVENTS ||
    workflowInfo().historySize > MAX_HISTORY_BYTES;

  const continueFresh = async (): Promise<never> => {
    await condition(allHandlersFinished);
    evict();
    return continueAsNew<typeof sessionLogStore>({ playId: input.playId, carried: { lines, recentBatches } });
  };

  if (patched(IDLE_TIMER_PATCH)) {
    let idle = false;
    // Sleeps until the retention has passed since the last append; an append only moves that moment.
    const idleIn = (): number => lastAppendMs + LOG_STORE_LIMITS.retentionMs - nowMs();
    void (async () => {
      while (idleIn() > 0) await sleep(idleIn());
      idle = true;
    })();
    await condition(() => idle || tooLong());
    if (!idle) await continueFresh();
  } else {
    for (;;) {
      appended = false;
      const woken = await condition(() => appended || tooLong(), LOG_STORE_LIMITS.retentionMs);
      if (!woken) break; // idle past the retention: every line has aged out
      if (tooLong()) await continueFresh();
    }
  }
  await condition(allHandlersFinished);
}
