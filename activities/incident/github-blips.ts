// GitHub blips absorbed inside the activity, before a failure goes to Temporal's retry policy (whose
// backoff grows to seconds, and whose every attempt repeats the whole effect):
// - a read (GET, HEAD) that failed with a 5xx, a lost answer or a rate limit of a few seconds is sent
//   again in place (retryingReads, an Octokit request hook), twice at most;
// - an effect that still failed with a 5xx or a lost answer (GitHubUnavailable) is run again after a
//   short pause, twice at most (absorbingBlips). Safe because every effect looks before it creates
//   (activities/incident/github.ts): running it again finds what the failed try may have made.
// Longer rate limits and refusals are not retried here: their delay is GitHub's to set, or there is none.
import { ApplicationFailure } from '@temporalio/common';
import { currentContext, wrapEach, type AsyncFunctions } from '../heartbeat';

/** Pauses before the second and third try. */
export const BLIP_PAUSES_MS = [250, 1000];

const isBlip = (error: unknown): boolean => error instanceof ApplicationFailure && error.type === 'GitHubUnavailable';

/** In an activity, a pause that ends early (throwing) when the activity is cancelled. */
const pause = (ms: number): Promise<void> =>
  currentContext()?.sleep(ms) ?? new Promise((resolve) => setTimeout(resolve, ms));

/** The same effects, each tried again after a blip. */
export const absorbingBlips = <T extends AsyncFunctions>(effects: T, pausesMs: number[] = BLIP_PAUSES_MS): T =>
  wrapEach(effects, async (run) => {
    for (let attempt = 0; ; attempt += 1) {
      try {
        return await run();
      } catch (error) {
        if (!isBlip(error) || attempt >= pausesMs.length) throw error;
        await pause(pausesMs[attempt]);
      }
    }
  });

/** The longest rate-limit delay a read waits out in place; a longer one goes to Temporal's durable retry. */
export const MAX_IN_PLACE_WAIT_MS = 5_000;

/**
 * An Octokit `request` hook sending a failed read again. `delayFor` says how long to wait before the
 * next try after `error` (undefined: do not retry, e.g. a 404 or a 422).
 */
export function retryingReads(delayFor: (error: unknown, attempt: number) => number | undefined, tries = 3) {
  return async <O extends { method?: string }, T>(request: (options: O) => T | Promise<T>, options: O): Promise<T> => {
    const read = ['GET', 'HEAD'].includes((options.method ?? 'GET').toUpperCase());
    for (let attempt = 0; ; attempt += 1) {
      try {
        return await request(options);
      } catch (error) {
        const delay = read && attempt + 1 < tries ? delayFor(error, attempt) : undefined;
        if (delay === undefined || delay > MAX_IN_PLACE_WAIT_MS) throw error;
        await pause(delay);
      }
    }
  };
}
