// API start→query latency: POST /api/v1/session/start, then GET /api/v1/session/{id} until it answers,
// through the real API, worker and a local dev server. Then, with `listSessions` (2,000) sessions, the
// session list under 30 concurrent callers and log pushes over 200 connections (api-load.ts); the rate
// limits are off, as the figures are the API's own capacity.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { startApi } from '../../api/server';
import { loadConfig } from '../../runtime/config';
import { startMainWorker } from '../../workers/main';
import { startDevServer } from '../../runtime/dev-server';
import { summarize } from './stats';
import { listUnderConcurrency, pushUnderConnections, settle, startSessions } from './api-load';

export async function benchApiLatency(
  opts: { sessions?: number; listSessions?: number; pushConnections?: number; port?: number } = {},
): Promise<object> {
  const sessions = opts.sessions ?? 200;
  const listSessions = Math.max(opts.listSessions ?? 2000, sessions);
  const pushConnections = opts.pushConnections ?? 200;
  const dir = mkdtempSync(join(tmpdir(), 'healer-bench-api-'));
  const server = await startDevServer({ port: opts.port ?? 27233, dbFile: join(dir, 'temporal.db'), headless: true });
  const config = loadConfig({
    TEMPORAL_ADDRESS: server.address,
    HEALER_PORT: '0',
    HEALER_LOG_LEVEL: 'silent',
    HEALER_STATE_DIR: dir,
    HEALER_API_RATE_LIMIT: '0',
    HEALER_API_RATE_LIMIT_LOGS: '0',
    // Each session's pre-flight window ends with a workflow task and a search-attribute update; 2,000
    // sessions started within seconds would end theirs together, mid-measurement (the list then reads a
    // visibility store busy with 2,000 writes: p99 about 1 s here). A short window, and 30 s of quiet
    // once all are running, let them settle first: the figure is the list of 2,000 existing sessions.
    HEALER_PREFLIGHT_WINDOW_MS: '5000',
  });
  const worker = await startMainWorker(config);
  const api = await startApi(config);
  const start: number[] = [];
  const query: number[] = [];
  const total: number[] = [];
  let list: object | undefined;
  let push: object | undefined;
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
    const more = Array.from({ length: listSessions - sessions }, (_, i) => `bench-${sessions + i}`);
    await startSessions(api.url, more);
    const connection = await Connection.connect({ address: server.address });
    const count = async () =>
      Number((await new Client({ connection }).workflow.count(`WorkflowType = 'playSession'`)).count);
    const settleMs = await settle(count, listSessions, 30_000);
    await connection.close();
    list = { sessions: listSessions, settleMs, ...(await listUnderConcurrency(api.url, 30)) };
    push = await pushUnderConnections(
      api.url,
      Array.from({ length: pushConnections }, (_, i) => `bench-${i % listSessions}`),
    );
  } finally {
    await api.close();
    worker.worker.shutdown();
    await worker.done;
    await server.stop();
  }
  return {
    sessions,
    startMs: summarize(start),
    queryMs: summarize(query),
    startToQueryMs: summarize(total),
    list30Concurrent: list,
    push200Connections: push,
  };
}
