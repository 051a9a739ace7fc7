import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Worker } from '@temporalio/worker';
import { main } from '../../cli/main';
import { runSessionCommand } from '../../cli/session';
import { closeTestConnections, createTestWorker, eventually, uniqueId, uniqueTaskQueue } from '../support/temporal';
import { startTestApi, type TestApi } from '../support/api';
import { samplePayload } from '../support/sessions';
import { captureIo } from '../support/cli-io';

describe('healer CLI', () => {
  test('--help everywhere exits 0; bad arguments exit 2 with a message', async () => {
    let io = captureIo();
    expect(await main(['--help'], io)).toBe(0);
    expect(io.out()).toContain('Usage: healer <command>');
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
    expect(io.err()).toContain('unknown command "frobnicate"');
    io = captureIo();
    expect(await main(['worker', 'extra'], io)).toBe(2);
    expect(io.err()).toContain('worker takes no arguments');
    io = captureIo();
    expect(await main(['session', 'show'], io)).toBe(2);
    expect(io.err()).toContain('exactly one PLAY_ID');
    io = captureIo();
    expect(await main(['session', 'start', '--bogus'], io)).toBe(2);
    expect(io.err()).toMatch(/Unknown option '--bogus'/);
    io = captureIo();
    expect(await main([], io)).toBe(2);
  });

  test('a bad configuration value exits 2 naming the key', async () => {
    const saved = process.env.HEALER_PORT;
    process.env.HEALER_PORT = 'eighty';
    try {
      const io = captureIo();
      expect(await main(['session', 'list'], io)).toBe(2);
      expect(io.err()).toContain('configuration HEALER_PORT: expected an integer');
    } finally {
      if (saved === undefined) delete process.env.HEALER_PORT;
      else process.env.HEALER_PORT = saved;
    }
  });

  const withEnv = async <T>(env: Record<string, string>, fn: () => Promise<T>): Promise<T> => {
    const saved = Object.fromEntries(Object.keys(env).map((k) => [k, process.env[k]]));
    Object.assign(process.env, env);
    try {
      return await fn();
    } finally {
      for (const [k, v] of Object.entries(saved)) {
        if (v === undefined) delete process.env[k];
        else process.env[k] = v;
      }
    }
  };

  test('an unreachable API is a clear error, exit 1', async () => {
    const io = captureIo();
    const code = await withEnv({ HEALER_API_URL: 'http://127.0.0.1:9' }, () => main(['session', 'list'], io));
    expect(code).toBe(1);
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

    test('start --file, show, list, end', async () => {
      const playId = uniqueId('cli');
      const file = join(mkdtempSync(join(tmpdir(), 'healer-cli-')), 'payload.json');
      writeFileSync(file, JSON.stringify(samplePayload(playId)));
      const opts = { baseUrl: api.url, token };

      let io = captureIo();
      expect(await runSessionCommand(['start', '--file', file], io, opts)).toBe(0);
      expect(io.out()).toContain(`started session ${playId} (workflow play-${playId})`);

      io = captureIo();
      expect(await runSessionCommand(['show', playId], io, opts)).toBe(0);
      expect(io.out()).toContain(`session ${playId}  [active]  5dlabs/cto`);
      expect(io.out()).toContain('agent rex: prompts pending');

      io = captureIo();
      expect(await runSessionCommand(['show', playId, '--json'], io, opts)).toBe(0);
      expect(JSON.parse(io.out())).toMatchObject({ playId, status: 'active' });

      const listed = await eventually(
        async () => {
          const listIo = captureIo();
          await runSessionCommand(['list', '--active'], listIo, opts);
          return listIo.out();
        },
        (text) => text.includes(playId),
      );
      expect(listed).toMatch(/PLAY ID\s+STATUS/);

      io = captureIo();
      expect(await runSessionCommand(['end', playId, '--reason', 'done by cli'], io, opts)).toBe(0);
      const ended = await eventually(
        () => api.sessions.get(playId),
        (v) => v.status === 'completed',
      );
      expect(ended.endReason).toBe('done by cli');
    });

    test('API errors surface with their status: 409 on duplicate start, 401 without the token, 404 unknown', async () => {
      const playId = uniqueId('cli-dup');
      const args = ['start', '--play-id', playId, '--repository', 'o/r'];
      await runSessionCommand(args, captureIo(), { baseUrl: api.url, token });
      await expect(runSessionCommand(args, captureIo(), { baseUrl: api.url, token })).rejects.toThrow(
        /^409 session .* is already active/,
      );
      await expect(
        runSessionCommand(['start', '--play-id', uniqueId('x'), '--repository', 'o/r'], captureIo(), {
          baseUrl: api.url,
        }),
      ).rejects.toThrow(/^401/);
      await expect(runSessionCommand(['show', uniqueId('none')], captureIo(), { baseUrl: api.url })).rejects.toThrow(
        /^404 session .* not found/,
      );
    });
  });
});
