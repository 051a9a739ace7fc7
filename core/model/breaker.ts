// Circuit breaker per model. Pure state transitions; the modelHealth entity workflow holds the state so
// every worker process sees the same breakers.
//
// closed ──(failureThreshold consecutive failures)──▶ open ──(coolDownMs)──▶ half-open: one probe call
// half-open ──probe ok──▶ closed;  half-open ──probe fails──▶ open (cool-down starts again)
// A probe that never reports (worker died) frees its lease after another cool-down.
// An outcome with tripNow (a rejected key, an exhausted quota) opens the breaker at once.

export type BreakerStateName = 'closed' | 'open' | 'half-open';

export interface BreakerConfig {
  failureThreshold: number;
  coolDownMs: number;
}

export const DEFAULT_BREAKER_CONFIG: BreakerConfig = { failureThreshold: 5, coolDownMs: 60_000 };

export interface ModelBreaker {
  state: BreakerStateName;
  consecutiveFailures: number;
  openedAtMs?: number;
  probeLeaseUntilMs?: number;
  lastErrorClass?: string;
  changedAtMs: number;
}

export function closedBreaker(nowMs: number): ModelBreaker {
  return { state: 'closed', consecutiveFailures: 0, changedAtMs: nowMs };
}

export interface AcquireDecision {
  allowed: boolean;
  /** The call is the half-open probe. */
  probe: boolean;
  breaker: ModelBreaker;
}

export function acquire(breaker: ModelBreaker, nowMs: number, config: BreakerConfig): AcquireDecision {
  if (breaker.state === 'closed') return { allowed: true, probe: false, breaker };
  if (breaker.state === 'open') {
    if (nowMs - (breaker.openedAtMs ?? nowMs) < config.coolDownMs) return { allowed: false, probe: false, breaker };
    return {
      allowed: true,
      probe: true,
      breaker: { ...breaker, state: 'half-open', probeLeaseUntilMs: nowMs + config.coolDownMs, changedAtMs: nowMs },
    };
  }
  if ((breaker.probeLeaseUntilMs ?? 0) > nowMs) return { allowed: false, probe: false, breaker };
  return { allowed: true, probe: true, breaker: { ...breaker, probeLeaseUntilMs: nowMs + config.coolDownMs } };
}

export interface CallOutcome {
  ok: boolean;
  errorClass?: string;
  /** Whether this failure says the model is unhealthy (5xx, timeouts, 429, bad answers), not the request. */
  counts: boolean;
  /** Open at once, whatever the count: a rejected key or an exhausted quota will not heal by retrying. */
  tripNow?: boolean;
}

export function record(
  breaker: ModelBreaker,
  outcome: CallOutcome,
  nowMs: number,
  config: BreakerConfig,
): ModelBreaker {
  if (outcome.ok) {
    return breaker.state === 'closed' && breaker.consecutiveFailures === 0
      ? breaker
      : { ...closedBreaker(nowMs), lastErrorClass: breaker.lastErrorClass };
  }
  const noted = { ...breaker, lastErrorClass: outcome.errorClass ?? breaker.lastErrorClass };
  if (!outcome.counts && !outcome.tripNow) return noted;
  const consecutiveFailures = breaker.consecutiveFailures + 1;
  const trips =
    outcome.tripNow === true ||
    breaker.state === 'half-open' ||
    (breaker.state === 'closed' && consecutiveFailures >= config.failureThreshold);
  if (!trips) return { ...noted, consecutiveFailures };
  return {
    ...noted,
    consecutiveFailures,
    state: 'open',
    openedAtMs: nowMs,
    probeLeaseUntilMs: undefined,
    changedAtMs: nowMs,
  };
}

/** The state a reader should see now (an open breaker past its cool-down reads as half-open). */
export function effectiveState(breaker: ModelBreaker, nowMs: number, config: BreakerConfig): BreakerStateName {
  if (breaker.state === 'open' && nowMs - (breaker.openedAtMs ?? nowMs) >= config.coolDownMs) return 'half-open';
  return breaker.state;
}
