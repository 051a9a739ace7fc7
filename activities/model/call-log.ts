// The call log: one JSON line per model attempt in HEALER_LOG_PATH/api_healer_YYYYMMDD.jsonl (UTC day;
// a new file each day is the rotation). Only metadata: never prompt text, answers, keys or error text.
import { appendFile, mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { utcDay } from '../../core/model/budget';
import type { ModelErrorClass } from '../../core/model/retry';
import { countModelCall } from './call-metrics';

export type CallOutcome = 'ok' | 'error' | 'skipped';
/** Why a model was not called at all. */
export type SkipReason = 'breaker-open' | 'not-listed' | 'budget' | 'provider-failed';

export interface CallLogEntry {
  time: string; // ISO-8601, when the attempt started
  /** gemini, anthropic, xai or openai-compatible (absent in lines written before there were several). */
  provider?: string;
  model: string;
  /** This model's attempt number within the call (1..attemptsPerModel). */
  attempt: number;
  /** Temporal activity attempt that made it (several model calls can share one when no wait is needed). */
  activityAttempt: number;
  purpose: string;
  correlationId: string;
  latencyMs: number;
  inputTokens: number;
  outputTokens: number;
  costUsd: number;
  outcome: CallOutcome;
  errorClass?: ModelErrorClass | SkipReason;
  httpStatus?: number;
  /** What the gateway did next: retry this model after retryInMs, the next model, the next provider's models, stop, or done. */
  next: 'done' | 'retry' | 'next-model' | 'next-provider' | 'stop';
  retryInMs?: number;
}

export function callLogFile(dir: string, at: Date): string {
  return join(dir, `api_healer_${utcDay(at)}.jsonl`);
}

export class CallLog {
  private ready?: Promise<unknown>;

  constructor(private readonly dir: string) {}

  async append(entry: CallLogEntry): Promise<void> {
    countModelCall(entry);
    this.ready ??= mkdir(this.dir, { recursive: true });
    await this.ready;
    // One write per line with O_APPEND: lines from concurrent workers do not interleave.
    await appendFile(callLogFile(this.dir, new Date(entry.time)), `${JSON.stringify(entry)}\n`, 'utf8');
  }
}

/** Entries of the given UTC days (missing files are empty days; unreadable lines are skipped). */
export async function readCallLog(dir: string, days: Date[]): Promise<CallLogEntry[]> {
  const entries: CallLogEntry[] = [];
  for (const day of days) {
    let text: string;
    try {
      text = await readFile(callLogFile(dir, day), 'utf8');
    } catch {
      continue;
    }
    for (const line of text.split('\n')) {
      if (!line.trim()) continue;
      try {
        entries.push(JSON.parse(line) as CallLogEntry);
      } catch {
        // A torn last line from a crashed writer.
      }
    }
  }
  return entries;
}
