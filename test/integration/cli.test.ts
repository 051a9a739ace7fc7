import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Worker } from '@temporalio/worker';
import { main } from '../../cli/main';
import { closeTestConnections, createTestWorker, eventually, uniqueId, uniqueTaskQueue } from '../support/temporal';
import { startTestApi, type TestApi } from '../support/api';
import { samplePayload } from '../support/sessions';
import { captureIo } from '../support/cli-io';

describe('healer CLI', () => {
  test('--help everywhere exits 0; bad arguments exit 2 with a message', async () => {
    let io = captureIo();
    expect(await main(['--help'], io)).toBe(0);
    expect(io.out()).toContain('Usage: healer [options] [command]');
    for (const argv of [
      ['dev', '--help'],
      ['worker', '--help'],
      ['api', '--help'],
      ['demo', '--help'],
      ['session', '--help'],
    ]) {
      io = captureIo();
      expect(await main(argv, io)).toBe(0);
      expect(io.out()).toMatch(/Usage: healer/);
    }
    io = captureIo();
    expect(await main(['frobnicate'], io)).toBe(2);
    expect(io.err()).toContain("unknown command 'frobnicate'");
    io = captureIo();
    expect(await main(['worker', 'extra'], io)).toBe(2);
    expect(io.err()).toContain("too many arguments for 'worker'");
    io = captureIo();
    expect(await main(['session', 'show'], io)).toBe(2);
    expect(io.err()).toContain("missing required argument 'play_id'");
    io = captureIo();
    expect(await main(['session', 'start', '--bogus'], io)).toBe(2);
    expect(io.err()).toContain("unknown option '--bogus'");
    io = captureIo();
    expect(await main([], io)).toBe(2);
  });

  test('a bad configuration value exits 2 naming the key', async () => {
    const io = captureIo();
    expect(await main(['session', 'list'], io, { HEALER_PORT: 'eighty' })).toBe(2);
    expect(io.err()).toContain('configuration HEALER_PORT: expected an integer');
  });

  test('an unreachable API is a clear error, exit 1', async () => {
    const io = captureIo();
    expect(await main(['session', 'list'], io, { HEALER_API_URL: 'http://127.0.0.1:9' })).toBe(1);
    expect(io.err()).toContain('cannot reach the Healer API at http://127.0.0.1:9');
  });

  describe('session commands against the API', () => {
    const taskQueue = uniqueTaskQueue('cli');
    const token = 'cli-token';
    let worker: Worker;
    let running: Promise<void>;
    let api: TestApi;

    beforeAll(async () => {
      worker = await createTestWorker({ taskQueue });
      running = worker.run();
      api = await startTestApi({ taskQueue, token });
    });
    afterAll(async () => {
      await api.close();
      worker.shutdown();
      await running;
      await closeTestConnections();
    });

    /** `healer session ARGV` against the test API (HEALER_API_URL, and HEALER_API_TOKEN unless `token` is false). */
    async function session(argv: string[], opts: { token?: boolean } = {}) {
      const io = captureIo();
      const env = { HEALER_API_URL: api.url, ...(opts.token === false ? {} : { HEALER_API_TOKEN: token }) };
      const code = await main(['session', ...argv], io, env);
      return { code, out: io.out(), err: io.err() };
    }

    test('start --file, show, list, end', async () => {
      const playId = uniqueId('cli');
      const file = join(mkdtempSync(join(tmpdir(), 'healer-cli-')), 'payload.json');
      writeFileSync(file, JSON.stringify(samplePayload(playId)));

      let result = await session(['start', '--file', file]);
      expect(result.code).toBe(0);
      expect(result.out).toContain(`started session ${playId} (workflow play-${playId})`);

      result = await session(['show', playId]);
      expect(result.code).toBe(0);
      expect(result.out).toContain(`session ${playId}  [active]  5dlabs/cto`);
      expect(result.out).toContain('agent rex: prompts pending');

      result = await session(['show', playId, '--json']);
      expect(result.code).toBe(0);
      expect(JSON.parse(result.out)).toMatchObject({ playId, status: 'active' });

      const listed = await eventually(
        async () => (await session(['list', '--active'])).out,
        (text) => text.includes(playId),
      );
      expect(listed).toMatch(/PLAY ID\s+STATUS/);

      result = await session(['end', playId, '--reason', 'done by cli']);
      expect(result.code).toBe(0);
      const ended = await eventually(
        () => api.sessions.get(playId),
        (v) => v.status === 'completed',
      );
      expect(ended.endReason).toBe('done by cli');
    });

    test('API errors exit 1 with their status: 409 on duplicate start, 401 without the token, 404 unknown', async () => {
      const playId = uniqueId('cli-dup');
      const args = ['start', '--play-id', playId, '--repository', 'o/r'];
      expect((await session(args)).code).toBe(0);

      let result = await session(args);
      expect(result.code).toBe(1);
      expect(result.err).toMatch(/^healer: 409 session .* is already active/);

      result = await session(['start', '--play-id', uniqueId('x'), '--repository', 'o/r'], { token: false });
      expect(result.code).toBe(1);
      expect(result.err).toMatch(/^healer: 401/);

      result = await session(['show', uniqueId('none')]);
      expect(result.code).toBe(1);
      expect(result.err).toMatch(/^healer: 404 session .* not found/);
    });
  });
});
