// `healer dev`: the whole local stack in one command — a Temporal dev server if nothing answers at
// TEMPORAL_ADDRESS, then Healer's components (DEV_COMPONENTS) as supervised child processes.
import { join } from 'node:path';
import { Connection } from '@temporalio/client';
import { startDevServer, type DevServer } from '../runtime/dev-server';
import type { HealerConfig } from '../runtime/config';
import { projectRoot } from '../runtime/paths';
import { Supervisor } from '../runtime/supervisor';

export interface DevStack {
  apiUrl: string;
  uiUrl?: string;
  supervisorUrl: string;
  temporalAddress: string;
  startedServer: boolean;
  stop(): Promise<void>;
}

/** Components `healer dev` runs; later capabilities add theirs here. */
export const DEV_COMPONENTS = ['worker', 'llm-worker', 'scanner', 'api', 'watchdog'] as const;

async function temporalAnswers(address: string): Promise<boolean> {
  try {
    const connection = await Connection.connect({ address, connectTimeout: 1500 });
    await connection.close();
    return true;
  } catch {
    return false;
  }
}

async function waitForHealth(url: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last = '';
  while (Date.now() < deadline) {
    try {
      const response = await fetch(`${url}/health`);
      if (response.ok) return;
      last = `HTTP ${response.status}`;
    } catch (error) {
      last = (error as Error).message;
    }
    await new Promise((r) => setTimeout(r, 300));
  }
  throw new Error(`the API at ${url} did not become healthy in ${timeoutMs} ms (${last})`);
}

export async function startDevStack(config: HealerConfig, log: (line: string) => void): Promise<DevStack> {
  const address = config.temporal.address;
  let server: DevServer | undefined;
  let uiUrl = config.temporal.uiUrl;
  if (!(await temporalAnswers(address))) {
    const [host, port] = [
      address.slice(0, address.lastIndexOf(':')),
      Number(address.slice(address.lastIndexOf(':') + 1)),
    ];
    if (!['127.0.0.1', 'localhost', '0.0.0.0'].includes(host))
      throw new Error(`nothing answers at TEMPORAL_ADDRESS=${address} and it is not local: start that server first`);
    log(`starting a Temporal dev server on ${address} (state in ${join(config.stateDir, 'temporal.db')})`);
    server = await startDevServer({
      ip: host === 'localhost' ? '127.0.0.1' : host,
      port,
      uiPort: port + 1000,
      dbFile: join(config.stateDir, 'temporal.db'),
      logFile: join(config.stateDir, 'temporal.log'),
      log,
    });
    uiUrl = server.uiUrl;
  }
  uiUrl ??= `http://${address.slice(0, address.lastIndexOf(':'))}:${Number(address.slice(address.lastIndexOf(':') + 1)) + 1000}`;

  const supervisor = new Supervisor(log);
  const supervisorUrl = await supervisor.listen(Number(process.env.HEALER_SUPERVISOR_PORT ?? 0));
  const env = {
    TEMPORAL_ADDRESS: address,
    TEMPORAL_UI_URL: uiUrl,
    HEALER_SUPERVISOR_URL: supervisorUrl,
    HEALER_STATE_DIR: config.stateDir,
  };
  const bin = join(projectRoot(), 'bin', 'healer.js');
  const logDir = join(config.stateDir, 'logs');
  for (const name of DEV_COMPONENTS)
    supervisor.start({ name, command: process.execPath, args: [bin, name], env, logFile: join(logDir, `${name}.log`) });
  log(`component logs: ${logDir}/<component>.log`);

  const apiUrl = `http://${config.api.host}:${config.api.port}`;
  const stop = async () => {
    await supervisor.stopAll();
    await server?.stop();
  };
  try {
    await waitForHealth(apiUrl, 60_000);
  } catch (error) {
    await stop();
    throw error;
  }
  return { apiUrl, uiUrl, supervisorUrl, temporalAddress: address, startedServer: server !== undefined, stop };
}

/** Resolves on the first SIGINT/SIGTERM. */
export const untilSignal = (): Promise<NodeJS.Signals> =>
  new Promise((resolve) => {
    process.once('SIGINT', () => resolve('SIGINT'));
    process.once('SIGTERM', () => resolve('SIGTERM'));
  });
