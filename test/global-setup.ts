// One real Temporal dev server and one workflow bundle for the whole jest run. Tests isolate
// themselves with their own task queues and workflow ids.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { bundleWorkflowCode } from '@temporalio/worker';
import { startDevServer, type DevServer } from '../runtime/dev-server';
import { freePort } from './support/ports';

declare global {
  var __HEALER_DEV_SERVER__: DevServer | undefined;
}

/** Low enough that a test can push a session past it with a few hundred signals. */
export const TEST_SUGGEST_CONTINUE_AS_NEW = 120;

export default async function globalSetup(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'healer-test-'));
  const server = await startDevServer({
    port: await freePort(),
    dbFile: join(dir, 'temporal.db'),
    headless: true,
    logFile: join(dir, 'temporal.log'),
    dynamicConfig: { 'limit.historyCount.suggestContinueAsNew': TEST_SUGGEST_CONTINUE_AS_NEW },
  });
  globalThis.__HEALER_DEV_SERVER__ = server;
  process.env.HEALER_TEST_TEMPORAL_ADDRESS = server.address;
  process.env.HEALER_TEST_DIR = dir;

  const { code } = await bundleWorkflowCode({ workflowsPath: require.resolve('../workflows'), logger: quietLogger });
  const bundlePath = join(dir, 'workflow-bundle.js');
  writeFileSync(bundlePath, code);
  process.env.HEALER_TEST_WORKFLOW_BUNDLE = bundlePath;
}

const noop = () => undefined;
const quietLogger = { trace: noop, debug: noop, info: noop, warn: noop, error: console.error, log: noop };
