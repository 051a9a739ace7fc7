// A circuit breaker on the API's Temporal connection. Without it, while Temporal is down every request
// waits out the SDK's connection retries (about 20 s) or its deadline, and then fails. With it:
//   - a probe (GetSystemInfo, 400 ms deadline) runs every second, and at once when a call fails as
//     unreachable or is still waiting after 400 ms; two failed probes in a row open the circuit (a probe
//     that runs out of time while other calls are being answered is a busy server and does not count,
//     nor does one our own event loop starved, e.g. while parsing a 4 MB request body);
//   - while open, calls fail at once (gRPC UNAVAILABLE, which the API answers 503), the SDK's retries
//     stop, calls already waiting are cancelled, and `/api/` requests get `503` with `Retry-After`
//     before they touch Temporal; the first probe that succeeds closes it.
// So a request made while Temporal is away is answered within about 1.5 s (a hung server takes three
// probe deadlines to notice; a refused connection a few milliseconds), and the API itself starts and
// answers 503 even when Temporal is down at its start.
import { InterceptingCall, Metadata, status as grpcStatus, type Interceptor } from '@grpc/grpc-js';
import { defaultGrpcRetryOptions, makeGrpcRetryInterceptor } from '@temporalio/client';
import type { FastifyInstance } from 'fastify';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { API_TEMPORAL_DEADLINES, deadlineInterceptor, type TemporalDeadlines } from './temporal-deadlines';

export interface CircuitOptions {
  probeIntervalMs: number;
  probeTimeoutMs: number;
  /** Failed probes in a row that open the circuit (one slow answer on a busy machine is not an outage). */
  failuresToOpen: number;
  log?: (line: string) => void;
}

export const DEFAULT_CIRCUIT: CircuitOptions = { probeIntervalMs: 1000, probeTimeoutMs: 400, failuresToOpen: 2 };

/** The probe's own call: never held back by the circuit it decides. */
const PROBE_METHOD = /\/GetSystemInfo$/;
const OPEN_MESSAGE = 'Temporal is unreachable (circuit open)';

export class TemporalCircuit {
  private openSinceMs?: number;
  private failures = 0;
  private probing?: Promise<void>;
  private timer?: NodeJS.Timeout;
  private probe?: (deadlineMs: number) => Promise<unknown>;
  private readonly inFlight = new Set<InterceptingCall>();
  /** When a call last got an answer from the server (any status but unreachable or out of time). */
  private lastAnswerAtMs = 0;
  /** This process's event-loop stalls during the current probe. */
  private readonly loopDelay = monitorEventLoopDelay({ resolution: 10 });

  constructor(readonly options: CircuitOptions = DEFAULT_CIRCUIT) {}

  isOpen(): boolean {
    return this.openSinceMs !== undefined;
  }

  /** Seconds a client should wait before trying again. */
  retryAfterSecs(): number {
    return Math.max(1, Math.ceil((2 * this.options.probeIntervalMs) / 1000));
  }

  /** Probe Temporal every interval with `probe` (given its deadline) until stop(). */
  start(probe: (deadlineMs: number) => Promise<unknown>): void {
    this.probe = probe;
    this.loopDelay.enable();
    const tick = () => {
      void this.check().finally(() => {
        if (!this.probe) return;
        this.timer = setTimeout(tick, this.options.probeIntervalMs);
        this.timer.unref();
      });
    };
    tick();
  }

  stop(): void {
    this.probe = undefined;
    clearTimeout(this.timer);
    this.loopDelay.disable();
  }

  /** A call failed as unreachable, or waits too long: probe now rather than at the next tick. */
  suspect(): void {
    void this.check();
  }

  /** gRPC interceptors of the API's connection: deadlines, this circuit, the SDK's retries (stopped while open). */
  interceptors(deadlines: TemporalDeadlines = API_TEMPORAL_DEADLINES): Interceptor[] {
    const retries = defaultGrpcRetryOptions();
    const retry = makeGrpcRetryInterceptor({
      delayFunction: retries.delayFunction,
      retryableDecider: (attempt, status) => !this.isOpen() && retries.retryableDecider(attempt, status),
    });
    // The probe is never retried: one answer within its deadline, or a failure.
    const retryButProbes: Interceptor = (options, nextCall) =>
      PROBE_METHOD.test(options.method_definition.path)
        ? new InterceptingCall(nextCall(options))
        : retry(options, nextCall);
    return [deadlineInterceptor(deadlines), this.gate(), retryButProbes, this.observer()];
  }

  private check(): Promise<void> {
    const probe = this.probe;
    if (!probe) return Promise.resolve();
    if (this.probing) return this.probing;
    const startedAtMs = Date.now();
    this.loopDelay.reset();
    this.probing = probe(startedAtMs + this.options.probeTimeoutMs)
      .then(
        () => this.succeeded(),
        (error: unknown) => this.failed(error, startedAtMs),
      )
      .finally(() => (this.probing = undefined));
    return this.probing;
  }

  private succeeded(): void {
    this.failures = 0;
    if (this.openSinceMs === undefined) return;
    this.options.log?.(`Temporal answers again after ${Date.now() - this.openSinceMs} ms: the circuit is closed`);
    this.openSinceMs = undefined;
  }

  private failed(error: unknown, probeStartedAtMs: number): void {
    // A slow probe while other calls were being answered is a busy server, not an unreachable one.
    if (this.lastAnswerAtMs >= probeStartedAtMs) {
      this.failures = 0;
      return;
    }
    // A probe our own event loop starved says nothing of Temporal: its answer may be waiting unread
    // behind the stall when the deadline's timer fires. The next tick probes again.
    if (this.starvedSince(probeStartedAtMs)) return;
    this.failures += 1;
    if (this.openSinceMs !== undefined) return;
    if (this.failures < this.options.failuresToOpen) {
      setImmediate(() => void this.check()); // confirm at once, not a second later
      return;
    }
    this.openSinceMs = Date.now();
    this.options.log?.(`Temporal is unreachable (${(error as Error).message}): answering 503 until it is back`);
    for (const call of this.inFlight) call.cancelWithStatus(grpcStatus.UNAVAILABLE, OPEN_MESSAGE);
    this.inFlight.clear();
  }

  /**
   * Whether this process's event loop stalled for half the probe's deadline or more since the probe
   * started: seen by the delay monitor, or by the failure itself arriving that late.
   */
  private starvedSince(probeStartedAtMs: number): boolean {
    const stallMs = this.options.probeTimeoutMs / 2;
    const lateMs = Date.now() - probeStartedAtMs - this.options.probeTimeoutMs;
    return lateMs >= stallMs || this.loopDelay.max / 1e6 >= stallMs;
  }

  /** Outermost but for the deadline: fails at once while open, and keeps calls in flight to cancel on opening. */
  private gate(): Interceptor {
    return (options, nextCall) => {
      const probe = PROBE_METHOD.test(options.method_definition.path);
      if (this.isOpen() && !probe) {
        return new InterceptingCall(nextCall(options), {
          start: (_metadata, listener) =>
            setImmediate(() =>
              listener.onReceiveStatus({
                code: grpcStatus.UNAVAILABLE,
                details: OPEN_MESSAGE,
                metadata: new Metadata(),
              }),
            ),
          sendMessage: () => undefined,
          halfClose: () => undefined,
        });
      }
      // A call still waiting after a probe's deadline may be waiting on a hung server: probe then.
      const slow = probe ? undefined : setTimeout(() => this.suspect(), this.options.probeTimeoutMs);
      slow?.unref();
      const call: InterceptingCall = new InterceptingCall(nextCall(options), {
        start: (metadata, listener, next) =>
          next(metadata, {
            onReceiveStatus: (status, nextStatus) => {
              clearTimeout(slow);
              this.inFlight.delete(call);
              nextStatus(status);
            },
          }),
      });
      if (!probe) this.inFlight.add(call);
      return call;
    };
  }

  /** Innermost, once per attempt: an unreachable answer triggers a probe at once. */
  private observer(): Interceptor {
    return (options, nextCall) =>
      new InterceptingCall(nextCall(options), {
        start: (metadata, listener, next) =>
          next(metadata, {
            onReceiveStatus: (status, nextStatus) => {
              const unanswered = status.code === grpcStatus.UNAVAILABLE || status.code === grpcStatus.DEADLINE_EXCEEDED;
              if (!unanswered) this.lastAnswerAtMs = Date.now();
              else if (status.code === grpcStatus.UNAVAILABLE && !PROBE_METHOD.test(options.method_definition.path))
                this.suspect();
              nextStatus(status);
            },
          }),
      });
  }
}

/**
 * While the circuit is open, `/api/` requests are answered `503` with `Retry-After` before they reach
 * Temporal; every 503 the API sends (e.g. /health, a call cut short) carries `Retry-After` too.
 */
export function registerTemporalCircuit(app: FastifyInstance, circuit: TemporalCircuit): void {
  app.addHook('onRequest', async (request, reply) => {
    if (!circuit.isOpen() || !request.url.startsWith('/api/')) return;
    return reply
      .code(503)
      .header('retry-after', String(circuit.retryAfterSecs()))
      .send({
        error: 'temporal_unavailable',
        message: `Temporal is unreachable; try again in ${circuit.retryAfterSecs()} s`,
      });
  });
  app.addHook('onSend', async (_request, reply, payload) => {
    if (reply.statusCode === 503 && !reply.hasHeader('retry-after'))
      reply.header('retry-after', String(circuit.retryAfterSecs()));
    return payload;
  });
}
