// API start→query latency: POST /api/v1/session/start, then GET /api/v1/session/{id} until it answers,
// through the real API, worker and a local dev server.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startApi } from '../../api/server';
import { loadConfig } from '../../runtime/config';
import { startMainWorker } from '../../workers/main';
import { startDevServer } from '../../runtime/dev-server';
import { summarize } from './stats';

export async function benchApiLatency(opts: { sessions?: number; port?: number } = {}): Promise<object> {
  const sessions = opts.sessions ?? 200;
  const dir = mkdtempSync(join(tmpdir(), 'healer-bench-api-'));
  const server = await startDevServer({ port: opts.port ?? 27233, dbFile: join(dir, 'temporal.db'), headless: true });
  const config = loadConfig({
    TEMPORAL_ADDRESS: server.address,
    HEALER_PORT: '0',
    HEALER_LOG_LEVEL: 'silent',
    HEALER_STATE_DIR: dir,
  });
  const worker = await startMainWorker(config);
  const api = await startApi(config);
  const start: number[] = [];
  const query: number[] = [];
  const total: number[] = [];
  try {
    for (let i = 0; i < sessions; i += 1) {
      const playId = `bench-${i}`;
      const t0 = performance.now();
      const started = await fetch(`${api.url}/api/v1/session/start`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          play_id: playId,
          repository: 'bench/repo',
          cto_config: { agents: { rex: { tools: { remote: ['a'] } } } },
        }),
      });
      if (started.status !== 201) throw new Error(`start answered ${started.status}`);
      const t1 = performance.now();
      const shown = await fetch(`${api.url}/api/v1/session/${playId}`);
      if (shown.status !== 200) throw new Error(`show answered ${shown.status}`);
      await shown.json();
      const t2 = performance.now();
      start.push(t1 - t0);
      query.push(t2 - t1);
      total.push(t2 - t0);
    }
  } finally {
    await api.close();
    worker.worker.shutdown();
    await worker.done;
    await server.stop();
  }
  return { sessions, startMs: summarize(start), queryMs: summarize(query), startToQueryMs: summarize(total) };
}
