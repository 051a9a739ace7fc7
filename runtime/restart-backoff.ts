// When to restart a supervised process that exited, like a process manager does. A process that dies
// after it had been running a while (5 s or more; killed from outside, say) is restarted at once: every
// second it stays down is a second its queue goes unserved. One that dies sooner waits 1 s, doubling
// (2, 4, 8 … 30 s) while it keeps dying as it starts (before it reported ready); the ladder starts over
// once a run came up (reported ready: its first heartbeat got through) or ran a stable minute. Only a
// crash loop is slowed down. A crash loop is reported as `failed` but never
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
    const ranAWhile = run.uptimeMs >= this.policy.startingForMs;
    if (ranAWhile) return 0;
    if (run.ready) return this.policy.initialMs;
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
