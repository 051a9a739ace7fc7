// The audit log on disk: append-only JSON lines, hash-chained (core/audit). Appends are idempotent:
// each carries a key derived from the action (playbook run + step), and an append whose key is already
// in the log's tail returns the existing entry, so a retried activity is recorded exactly once.
// One writer per file: the watchdog worker. Appends inside the process are serialised. Each entry is
// then mirrored into Temporal (audit-mirror.ts), so the chain can be verified from any pod.
import { createHash } from 'node:crypto';
import { mkdir, open, readFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { chainEntry, type AuditEntry, type AuditInput } from '../../core/watchdog/audit/entry';
import type { StepRequest } from '../../core/watchdog/playbook/types';
import type { MirrorEntry } from './audit-mirror';

export const sha256Hex = (text: string): string => createHash('sha256').update(text).digest('hex');

/** How much of the file's end is searched for an idempotency key (retries happen within minutes). */
const TAIL_BYTES = 1024 * 1024;

const queues = new Map<string, Promise<unknown>>();

export class AuditLog {
  constructor(
    readonly path: string,
    private readonly now: () => Date = () => new Date(),
  ) {}

  /** Append once per key; returns the entry now in the log for that key. */
  append(input: AuditInput): Promise<AuditEntry> {
    const previous = queues.get(this.path) ?? Promise.resolve();
    const next = previous.catch(() => undefined).then(() => this.appendNow(input));
    queues.set(this.path, next);
    return next;
  }

  /** Entries in the file's tail, oldest first (every entry for a small log). */
  async tail(): Promise<AuditEntry[]> {
    const { entries } = await this.readTail();
    return entries;
  }

  private async appendNow(input: AuditInput): Promise<AuditEntry> {
    await mkdir(dirname(this.path), { recursive: true });
    const { entries, partialBytes, size } = await this.readTail();
    const existing = entries.find((e) => e.key === input.key);
    if (existing) return existing;
    const entry = chainEntry(input, entries[entries.length - 1], this.now().toISOString(), sha256Hex);
    const handle = await open(this.path, 'a+');
    try {
      // A line cut short by a crash mid-write was never acknowledged: drop it so the chain continues cleanly.
      if (partialBytes > 0) await handle.truncate(size - partialBytes);
      await handle.appendFile(`${JSON.stringify(entry)}\n`, 'utf8');
      await handle.sync();
    } finally {
      await handle.close();
    }
    return entry;
  }

  private async readTail(): Promise<{ entries: AuditEntry[]; partialBytes: number; size: number }> {
    let buffer: Buffer;
    try {
      buffer = await readFile(this.path);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { entries: [], partialBytes: 0, size: 0 };
      throw error;
    }
    const size = buffer.length;
    const text = buffer.subarray(Math.max(0, size - TAIL_BYTES)).toString('utf8');
    const lastNewline = text.lastIndexOf('\n');
    const partialBytes = Buffer.byteLength(text.slice(lastNewline + 1), 'utf8');
    // When the tail window starts mid-file, its first line may be cut: skip it.
    const lines = text.slice(0, lastNewline + 1).split('\n');
    if (size > TAIL_BYTES) lines.shift();
    const entries = lines.filter((l) => l.trim() !== '').map((l) => JSON.parse(l) as AuditEntry);
    return { entries, partialBytes, size };
  }
}

/** What records audit entries: the file, then the mirror. */
export type AuditRecorder = Pick<AuditLog, 'append' | 'tail'>;

/**
 * The file, with every entry append returns (new, or the existing one for a retried key) sent to the
 * mirror; without a mirror (unit tests, no Temporal client) the file alone.
 */
export function mirroredLog(log: AuditLog, mirror?: MirrorEntry): AuditRecorder {
  if (!mirror) return log;
  return {
    async append(input) {
      const entry = await log.append(input);
      await mirror(entry);
      return entry;
    },
    tail: () => log.tail(),
  };
}

export interface AuditDeps {
  log: AuditLog;
  /** Who is acting, e.g. `watchdog/<hostname>`. */
  actor?: string;
  /** Sends each entry to `audit-<namespace>` in Temporal (unset: the file only). */
  mirror?: MirrorEntry;
}

export function createAuditActivities({ log: file, actor = 'watchdog', mirror }: AuditDeps) {
  const log = mirroredLog(file, mirror);
  return {
    /** Record one action; idempotent by `input.key`. */
    async appendAudit(input: AuditInput): Promise<AuditEntry> {
      return log.append(input);
    },

    /** The playbook `audit` action: the run's summary, with the recovery time since detection. */
    async recordPlaybookAudit(
      request: StepRequest<{ message: string; include_recovery_time?: boolean }>,
    ): Promise<{ seq: number; hash: string }> {
      const { params, context } = request;
      const recoveryMs = context.triggeredAt ? Date.parse(context.now) - Date.parse(context.triggeredAt) : undefined;
      const failed = context.steps.filter((s) => s.status === 'failed');
      const entry = await log.append({
        key: context.key,
        actor,
        action: 'playbook.summary',
        target: context.playbook,
        result: failed.length > 0 || context.sloExceeded ? 'failed' : 'succeeded',
        playbookRun: context.run,
        startedAt: context.runStartedAt,
        finishedAt: context.now,
        details: {
          message: params.message,
          steps: context.steps,
          ...(context.sloExceeded ? { sloExceeded: true } : {}),
          ...(params.include_recovery_time && recoveryMs !== undefined ? { recoveryMs } : {}),
        },
      });
      return { seq: entry.seq, hash: entry.hash };
    },
  };
}

export type AuditActivities = ReturnType<typeof createAuditActivities>;
