// Re-records test/histories/*.json from representative runs of every workflow kind on a fresh local dev
// server. Run after an intended behaviour change: `npm run record-histories`.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { bundleWorkflowCode, NativeConnection, Worker } from '@temporalio/worker';
import { startDevServer } from '../runtime/dev-server';
import { exportHistory } from './histories/files';
import { ensureTemporalBinary } from '../runtime/temporal-bin';
import { createActivities } from '../activities';
import { createModelActivities } from '../activities/model';
import { loadConfig } from '../runtime/config';
import { LLM_TASK_QUEUE } from '../core/contract';
import type { Scenario } from './histories/scenario';
import { sessionScenarios } from './histories/session-scenarios';
import { incidentScenarios } from './histories/incident-scenarios';
import { modelScenarios } from './histories/model-scenarios';
import { watchdogScenarios } from './histories/watchdog-scenarios';
import { ciScenarios } from './histories/ci-scenarios';
import { contextScenarios } from './histories/context-scenarios';
import { auditScenarios } from './histories/audit-scenarios';
import { WORKER_RESILIENCE } from '../workers/resilience';

const allScenarios: Scenario[] = [
  ...sessionScenarios,
  ...incidentScenarios,
  ...modelScenarios,
  ...watchdogScenarios,
  ...ciScenarios,
  ...contextScenarios,
  ...auditScenarios,
];
// `npm run record-histories -- NAME …` records only the named scenarios (the others keep their files).
const only = process.argv.slice(2);
const scenarios = allScenarios.filter((s) => only.length === 0 || only.includes(s.name));
/** As on the test server: the entity workflows and the watchdog continue as new within a short scenario. */
const SUGGEST_CONTINUE_AS_NEW_AT = 120;
const quiet = { trace() {}, debug() {}, info() {}, warn() {}, error: console.error, log() {} };

async function main(): Promise<void> {
  const unknown = only.filter((name) => !allScenarios.some((s) => s.name === name));
  if (unknown.length)
    throw new Error(`unknown scenario(s): ${unknown.join(', ')}; known: ${allScenarios.map((s) => s.name).join(', ')}`);
  const binary = ensureTemporalBinary();
  if (!binary) throw new Error('recording needs the temporal CLI (see npm run temporal:install)');
  const dir = mkdtempSync(join(tmpdir(), 'healer-record-'));
  const port = 17233 + Math.floor(Math.random() * 1000);
  const server = await startDevServer({
    port,
    dbFile: join(dir, 'temporal.db'),
    headless: true,
    dynamicConfig: { 'limit.historyCount.suggestContinueAsNew': SUGGEST_CONTINUE_AS_NEW_AT },
  });
  const connection = await Connection.connect({ address: server.address });
  const nativeConnection = await NativeConnection.connect({ address: server.address });
  const client = new Client({ connection });
  const taskQueue = 'record-histories';
  try {
    // Dry-run GitHub, no model key: incidents heal with the built-in evaluator, as in the demo.
    const config = loadConfig({ TEMPORAL_ADDRESS: server.address, HEALER_STATE_DIR: dir, HEALER_LOG_LEVEL: 'silent' });
    const workflowBundle = await bundleWorkflowCode({ workflowsPath: require.resolve('../workflows'), logger: quiet });
    const worker = await Worker.create({
      connection: nativeConnection,
      ...WORKER_RESILIENCE,
      taskQueue,
      workflowBundle,
      activities: createActivities({ config, kube: null }),
    });
    const llmWorker = await Worker.create({
      connection: nativeConnection,
      ...WORKER_RESILIENCE,
      taskQueue: LLM_TASK_QUEUE,
      activities: createModelActivities({ client, logDir: config.logPath }),
    });
    await llmWorker.runUntil(() =>
      worker.runUntil(async () => {
        for (const scenario of scenarios) {
          const suffix = Date.now().toString(36);
          const result = await scenario.run({
            client,
            connection: nativeConnection,
            workflowBundle,
            taskQueue,
            suffix,
            dir,
          });
          const targets: Array<[string, string]> = typeof result === 'string' ? [[scenario.name, result]] : result;
          for (const [name, target] of targets) {
            const [workflowId, runId] = target.split('#');
            console.log(`recorded ${exportHistory(binary, server.address, name, workflowId, runId)}`);
          }
        }
      }),
    );
  } finally {
    await connection.close();
    await nativeConnection.close();
    await server.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
