// Activities that wait heartbeat while they wait, so Temporal notices a killed worker within the
// heartbeat timeout; outside an activity the helper just awaits.
import { MockActivityEnvironment } from '@temporalio/testing';
import { heartbeating, whileHeartbeating } from '../../../activities/heartbeat';

const after = <T>(ms: number, value: T) => new Promise<T>((resolve) => setTimeout(() => resolve(value), ms));

describe('heartbeats while waiting', () => {
  it('heartbeats the current details until the work settles, then stops', async () => {
    const env = new MockActivityEnvironment();
    const beats: unknown[] = [];
    env.on('heartbeat', (details: unknown) => beats.push(details));
    const progress = { step: 1 };
    const result = await env.run(async () => {
      const work = whileHeartbeating(after(120, 'answer'), () => ({ ...progress }), 20);
      await after(50, undefined);
      progress.step = 2;
      return work;
    });
    expect(result).toBe('answer');
    expect(beats.length).toBeGreaterThanOrEqual(3);
    expect(beats[0]).toEqual({ step: 1 });
    expect(beats.at(-1)).toEqual({ step: 2 });
    const count = beats.length;
    await after(60, undefined);
    expect(beats).toHaveLength(count);
  });

  it('passes failures through and works outside an activity', async () => {
    await expect(whileHeartbeating(Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    await expect(whileHeartbeating(after(1, 7))).resolves.toBe(7);
  });

  it('wraps every activity of a factory', async () => {
    const env = new MockActivityEnvironment();
    let beats = 0;
    env.on('heartbeat', () => (beats += 1));
    const activities = heartbeating({
      async double(n: number) {
        return after(5_200, n * 2);
      },
    });
    await expect(env.run(activities.double, 21)).resolves.toBe(42);
    expect(beats).toBeGreaterThanOrEqual(1);
  }, 10_000);
});
