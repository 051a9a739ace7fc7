// How fast an activity attempt lost with a killed worker is noticed. Activities that wait on something
// outside heartbeat every HEARTBEAT_EVERY_MS (activities/heartbeat.ts) and the workers let each beat leave
// at that pace (workers/resilience.ts); the workflows give those activities HEARTBEAT_TIMEOUT, so a live
// attempt has three beats of slack while a lost one is retried about 2 s after its worker died, soon
// after a restarted worker (back within about 1 s) is polling again. A longer timeout made retries land
// just as the next worker was killed in the chaos suite's schedule, so context gathering took three
// attempts on average.
export const HEARTBEAT_EVERY_MS = 500;
export const HEARTBEAT_TIMEOUT = '2 seconds';
