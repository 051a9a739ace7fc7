// When to restart a supervised process that exited, like a process manager does: 1 s after an exit,
// doubling (2, 4, 8 … 30 s) while the process keeps dying as it starts (within 5 s, before it reported
// ready); the ladder starts over once a run came up (reported ready: its first heartbeat got through) or
// ran a stable minute. A process that dies after it had been running a while (killed from outside, say)
// is restarted after 1 s: only a crash loop is slowed down. A crash loop is reported as `failed` but never
// given up on: a transient cause (Temporal down, a port still taken) clears and the next attempt works.

export interface BackoffPolicy {
  initialMs: number;
  maxMs: number;
  /** A run this long counts as stable even without a ready report: the ladder starts over. */
  stableAfterMs: number;
  /** A run that ends sooner, without a ready report, died starting: one step up the ladder. */
  startingForMs: number;
  /** Consecutive runs that never came up before the process is reported `failed`. */
  failedAfter: number;
}

export const DEFAULT_BACKOFF: BackoffPolicy = {
  initialMs: 1000,
  maxMs: 30_000,
  stableAfterMs: 60_000,
  startingForMs: 5000,
  failedAfter: 5,
};

export interface RunOutcome {
  uptimeMs: number;
  /** The process reported it was up (its first heartbeat got through). */
  ready: boolean;
}

export class RestartBackoff {
  /** Runs in a row that ended before the process came up. */
  private unstableRuns = 0;

  constructor(private readonly policy: BackoffPolicy = DEFAULT_BACKOFF) {}

  /** Records how a run ended and returns the delay before the next start. */
  afterExit(run: RunOutcome): number {
    if (run.ready || run.uptimeMs >= this.policy.stableAfterMs) this.unstableRuns = 0;
    const diedStarting = !run.ready && run.uptimeMs < this.policy.startingForMs;
    if (!diedStarting) return this.policy.initialMs;
    this.unstableRuns += 1;
    return Math.min(this.policy.maxMs, this.policy.initialMs * 2 ** (this.unstableRuns - 1));
  }

  /** The process came up (ready or stable): the next exit starts the ladder again. */
  cameUp(): void {
    this.unstableRuns = 0;
  }

  get failed(): boolean {
    return this.unstableRuns >= this.policy.failedAfter;
  }

  get unstable(): number {
    return this.unstableRuns;
  }
}
