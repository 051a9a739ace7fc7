import { RestartBackoff } from '../../runtime/restart-backoff';

describe('restart back-off of supervised processes', () => {
  it('1 s after an exit, doubling to 30 s while the process dies before it comes up', () => {
    const backoff = new RestartBackoff();
    const delays = Array.from({ length: 8 }, () => backoff.afterExit({ uptimeMs: 500, ready: false }));
    expect(delays).toEqual([1000, 2000, 4000, 8000, 16_000, 30_000, 30_000, 30_000]);
  });

  it('is reported failed after 5 such runs, and never stops retrying', () => {
    const backoff = new RestartBackoff();
    for (let i = 0; i < 4; i++) backoff.afterExit({ uptimeMs: 100, ready: false });
    expect(backoff.failed).toBe(false);
    expect(backoff.afterExit({ uptimeMs: 100, ready: false })).toBe(16_000);
    expect(backoff.failed).toBe(true);
    expect(backoff.afterExit({ uptimeMs: 100, ready: false })).toBe(30_000);
  });

  it('restarts at once a process that died after it had been running a while, keeping the ladder', () => {
    const backoff = new RestartBackoff();
    for (let i = 0; i < 3; i++) backoff.afterExit({ uptimeMs: 100, ready: false });
    expect(backoff.afterExit({ uptimeMs: 8000, ready: false })).toBe(0);
    expect(backoff.afterExit({ uptimeMs: 100, ready: false })).toBe(8000);
  });

  it('restarts at once a process killed after it came up and ran 5 s, and after 1 s one that died sooner', () => {
    const backoff = new RestartBackoff();
    expect(backoff.afterExit({ uptimeMs: 7000, ready: true })).toBe(0);
    expect(backoff.afterExit({ uptimeMs: 4999, ready: true })).toBe(1000);
    expect(backoff.failed).toBe(false);
  });

  it('starts over at 1 s once a run came up: reported ready, or ran a stable minute', () => {
    const backoff = new RestartBackoff();
    for (let i = 0; i < 6; i++) backoff.afterExit({ uptimeMs: 100, ready: false });
    expect(backoff.afterExit({ uptimeMs: 3000, ready: true })).toBe(1000);
    expect(backoff.failed).toBe(false);
    for (let i = 0; i < 3; i++) backoff.afterExit({ uptimeMs: 100, ready: false });
    expect(backoff.afterExit({ uptimeMs: 60_000, ready: false })).toBe(0);
    backoff.afterExit({ uptimeMs: 100, ready: false });
    backoff.cameUp();
    expect(backoff.afterExit({ uptimeMs: 100, ready: false })).toBe(1000);
  });
});
