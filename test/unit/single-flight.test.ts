// Concurrent reads of the same key share one request; nothing is kept once it settles.
import { singleFlight } from '../../activities/single-flight';

describe('single-flight reads', () => {
  it('gives callers of the same key one read, other keys their own, and reads again once settled', async () => {
    const shared = singleFlight<string>();
    const reads: string[] = [];
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const read = (key: string) => async () => {
      reads.push(key);
      await gate;
      return `${key}#${reads.length}`;
    };
    const first = shared('a', read('a'));
    const second = shared('a', read('a'));
    const other = shared('b', read('b'));
    release();
    expect(await Promise.all([first, second, other])).toEqual(['a#2', 'a#2', 'b#2']);
    expect(reads).toEqual(['a', 'b']);
    await expect(shared('a', read('a'))).resolves.toBe('a#3');
    expect(reads).toEqual(['a', 'b', 'a']);
  });

  it('shares a failure with every waiting caller, then lets the next caller try again', async () => {
    const shared = singleFlight<number>();
    let calls = 0;
    const failing = async () => {
      calls += 1;
      throw new Error('answer lost');
    };
    const both = [shared('k', failing), shared('k', failing)];
    for (const attempt of both) await expect(attempt).rejects.toThrow('answer lost');
    expect(calls).toBe(1);
    await expect(shared('k', async () => 7)).resolves.toBe(7);
  });
});
