// Detection latency (line appended to a tailed file → visible in the session's status query) and
// history events per 1,000 detections, on a dev server and worker of its own.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { loadConfig } from '../../runtime/config';
import { startMainWorker } from '../../workers/main';
import { startDevServer } from '../../runtime/dev-server';
import { benchDetectionLatency } from './scan';

export async function benchDetectionLatencyOnOwnServer(opts: { port?: number } = {}): Promise<object> {
  const dir = mkdtempSync(join(tmpdir(), 'healer-bench-latency-'));
  const server = await startDevServer({ port: opts.port ?? 27247, dbFile: join(dir, 'temporal.db'), headless: true });
  const config = loadConfig({ TEMPORAL_ADDRESS: server.address, HEALER_STATE_DIR: dir, HEALER_LOG_LEVEL: 'silent' });
  const worker = await startMainWorker(config);
  const connection = await Connection.connect({ address: server.address });
  try {
    return await benchDetectionLatency({ client: new Client({ connection }), taskQueue: 'healer' });
  } finally {
    await connection.close();
    worker.worker.shutdown();
    await worker.done;
    await server.stop();
  }
}
