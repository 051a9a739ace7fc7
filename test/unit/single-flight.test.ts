// Concurrent reads of the same key share one request; nothing is kept once it settles.
import { SingleFlight } from '../../core/single-flight';

const later = <T>(value: T, ms = 10) => new Promise<T>((resolve) => setTimeout(() => resolve(value), ms));

describe('SingleFlight', () => {
  test('equal reads in flight share one answer; other keys read on their own', async () => {
    const flight = new SingleFlight<number>();
    let reads = 0;
    const read = () => later(++reads);
    const answers = await Promise.all([flight.run('a', read), flight.run('a', read), flight.run('b', read)]);
    expect(answers).toEqual([1, 1, 2]);
    expect(reads).toBe(2);
  });

  test('a settled answer is not kept: the next read asks again, after a failure too', async () => {
    const flight = new SingleFlight<number>();
    let reads = 0;
    expect(await flight.run('a', () => later(++reads, 1))).toBe(1);
    expect(await flight.run('a', () => later(++reads, 1))).toBe(2);
    await expect(flight.run('f', () => Promise.reject(new Error('down')))).rejects.toThrow('down');
    expect(await flight.run('f', () => later(++reads, 1))).toBe(3);
  });

  test('callers waiting on one read all get its answer, and the read after it settles is a new one', async () => {
    const flight = new SingleFlight<string>();
    const reads: string[] = [];
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const read = (key: string) => async () => {
      reads.push(key);
      await gate;
      return `${key}#${reads.length}`;
    };
    const first = flight.run('a', read('a'));
    const second = flight.run('a', read('a'));
    const other = flight.run('b', read('b'));
    release();
    expect(await Promise.all([first, second, other])).toEqual(['a#2', 'a#2', 'b#2']);
    expect(reads).toEqual(['a', 'b']);
    await expect(flight.run('a', read('a'))).resolves.toBe('a#3');
    expect(reads).toEqual(['a', 'b', 'a']);
  });

  test('a failure reaches every waiting caller from one read', async () => {
    const flight = new SingleFlight<number>();
    let calls = 0;
    const failing = async () => {
      calls += 1;
      throw new Error('answer lost');
    };
    const both = [flight.run('k', failing), flight.run('k', failing)];
    for (const attempt of both) await expect(attempt).rejects.toThrow('answer lost');
    expect(calls).toBe(1);
    await expect(flight.run('k', async () => 7)).resolves.toBe(7);
  });
});
