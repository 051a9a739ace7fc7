// The full campaign's stack: `healer dev` itself (cli/dev.ts) on a fresh state directory — its own
// Temporal dev server (restarted on the same database when killed) and the worker, llm-worker, scanner,
// API and watchdog as supervised processes of the built CLI — pointed at the fakes: GitHub behind the
// fault proxy, the answering Gemini. Needs `npm run build` (the chaos script does it).
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { startDevStack } from '../../cli/dev';
import { loadConfig } from '../../runtime/config';
import { freePort } from '../../test/support/ports';
import { RestartClock } from './restart-clock';
import type { ChaosStack } from './scenario';

export interface DevStackTargets {
  stateDir: string;
  githubUrl: string;
  geminiUrl: string;
  geminiKey: string;
  log: (line: string) => void;
}

export async function startChaosDevStack(targets: DevStackTargets): Promise<ChaosStack> {
  const ctoConfig = join(targets.stateDir, 'cto-config.json');
  // CI is polled every second (the fake reports a result on the second poll), not every 30 s.
  writeFileSync(ctoConfig, JSON.stringify({ remediation: { ciPollSecs: 1 } }));
  const env: Record<string, string> = {
    TEMPORAL_ADDRESS: `127.0.0.1:${await freePort()}`,
    HEALER_API_HOST: '127.0.0.1',
    HEALER_PORT: String(await freePort()),
    HEALER_SUPERVISOR_PORT: '0',
    HEALER_STATE_DIR: targets.stateDir,
    HEALER_NAMESPACE: 'chaos',
    HEALER_LOG_LEVEL: 'warn',
    CTO_CONFIG: ctoConfig,
    GITHUB_TOKEN: 'chaos-token',
    GITHUB_API_URL: targets.githubUrl,
    GEMINI_API_KEY: targets.geminiKey,
    GEMINI_BASE_URL: targets.geminiUrl,
    HEALER_LLM_RATE_PER_SECOND: '20',
    HEALER_DAILY_BUDGET_USD: '100',
  };
  // The components inherit this process's environment (and must not find a cluster or a Loki).
  for (const key of ['KUBECONFIG', 'KUBERNETES_SERVICE_HOST', 'LOKI_URL', 'HEALER_LOG_FILE']) delete process.env[key];
  Object.assign(process.env, env);
  const config = loadConfig(env);
  const clock = new RestartClock();
  const stack = await startDevStack(config, targets.log, {
    onSupervisorEvent: (event) => {
      if (event.kind === 'start') clock.started(event.name, event.atMs);
      if (event.kind === 'ready') clock.ready(event.name, event.atMs);
    },
    onServerEvent: (event) => {
      if (event.kind === 'ready') {
        clock.started('temporal', event.atMs);
        clock.ready('temporal', event.atMs);
      }
    },
  });
  const connection = await Connection.connect({
    address: stack.temporalAddress,
    channelArgs: { 'grpc.max_reconnect_backoff_ms': 1000 },
  });
  return {
    apiUrl: stack.apiUrl,
    client: new Client({ connection, namespace: config.temporal.namespace }),
    pidOf: (name) => stack.supervisor.list().find((c) => c.name === name)?.pid,
    ...(stack.server?.kill ? { killTemporal: () => stack.server!.kill!() } : {}),
    clock,
    async stop() {
      await connection.close();
      await stack.stop();
    },
  };
}
