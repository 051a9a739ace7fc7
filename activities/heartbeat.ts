// Heartbeats for activities that wait on something outside (an HTTP call, a model's answer, Healer's own
// entity workflows). While the work runs, the activity tells Temporal every few seconds that its worker
// is alive; with a heartbeat timeout on the activity (core/heartbeat-timing.ts), an attempt lost with a
// killed worker is retried within that time instead of after its whole start-to-close timeout.
import { Context } from '@temporalio/activity';
import { HEARTBEAT_EVERY_MS } from '../core/heartbeat-timing';

/** The running activity's context, or undefined outside an activity. */
export function currentContext(): Context | undefined {
  try {
    return Context.current();
  } catch {
    return undefined; // not in an activity (a unit test, or a helper called directly)
  }
}

/**
 * Awaits `work`, heartbeating every HEARTBEAT_EVERY_MS until it settles. `details` are what the heartbeats
 * carry (a retried attempt reads the last ones as `heartbeatDetails`), sent once at the start too;
 * without it they carry nothing.
 */
export async function whileHeartbeating<T>(
  work: Promise<T>,
  details?: () => unknown,
  everyMs = HEARTBEAT_EVERY_MS,
): Promise<T> {
  const context = currentContext();
  if (!context) return work;
  const beat = (): void => (details ? context.heartbeat(details()) : context.heartbeat());
  // Details are recorded at once, so an attempt killed early still hands them to its retry.
  if (details) beat();
  const timer = setInterval(beat, everyMs);
  try {
    return await work;
  } finally {
    clearInterval(timer);
  }
}

export type AsyncFunctions = Record<string, (...args: never[]) => Promise<unknown>>;

/** The same activities, each run through `wrap` (which calls `run` with the activity's arguments). */
export function wrapEach<T extends AsyncFunctions>(
  activities: T,
  wrap: (run: () => Promise<unknown>) => Promise<unknown>,
): T {
  const wrapped: Record<string, unknown> = {};
  for (const [name, run] of Object.entries(activities)) wrapped[name] = (...args: never[]) => wrap(() => run(...args));
  return wrapped as T;
}

/** The same activities, each heartbeating while it runs. */
export const heartbeating = <T extends AsyncFunctions>(activities: T): T =>
  wrapEach(activities, (run) => whileHeartbeating(run()));
