import { SingleFlight } from '../../../api/single-flight';

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
});
