// `healer dev`: the whole local stack in one command — a Temporal dev server if nothing answers at
// TEMPORAL_ADDRESS, then Healer's components (DEV_COMPONENTS) as supervised child processes. The
// supervisor restarts a component that exits (with back-off); the dev server it started is restarted on
// the same database when it dies, and components waiting out a back-off are started as soon as it is back.
// When a worker exits, its workflows are handed over to the shared queue at once (runtime/workflow-handover.ts).
import { join } from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { LLM_TASK_QUEUE, TASK_QUEUE, WATCHDOG_TASK_QUEUE } from '../core/contract';
import { startDevServer, type DevServer, type DevServerEvent } from '../runtime/dev-server';
import type { HealerConfig } from '../runtime/config';
import { projectRoot } from '../runtime/paths';
import { Supervisor, type SupervisorEvent } from '../runtime/supervisor';
import { handOverWorkflows } from '../runtime/workflow-handover';
import type { CliIo } from './io';
import { untilSignal } from './signals';

export interface DevStack {
  apiUrl: string;
  uiUrl?: string;
  supervisorUrl: string;
  temporalAddress: string;
  startedServer: boolean;
  supervisor: Supervisor;
  /** The dev server this stack started (none when one already answered). */
  server?: DevServer;
  stop(): Promise<void>;
}

/** Observers of the stack's processes (the chaos suite measures restarts with them). */
export interface DevStackOptions {
  onSupervisorEvent?: (event: SupervisorEvent) => void;
  onServerEvent?: (event: DevServerEvent) => void;
  /** More environment for every component (the demo gives the API a webhook secret this way). */
  env?: Record<string, string>;
}

/** Components `healer dev` runs; later capabilities add theirs here. */
export const DEV_COMPONENTS = ['worker', 'llm-worker', 'scanner', 'api', 'watchdog'] as const;

/** The components that are Temporal workers, with the task queue whose workflows each alone runs here. */
const WORKER_QUEUES: Partial<Record<string, string>> = {
  worker: TASK_QUEUE,
  'llm-worker': LLM_TASK_QUEUE,
  watchdog: WATCHDOG_TASK_QUEUE,
};

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

export async function startDevStack(
  config: HealerConfig,
  log: (line: string) => void,
  options: DevStackOptions = {},
): Promise<DevStack> {
  const address = config.temporal.address;
  // Opened at the first worker exit (the server may be started below).
  let client: Client | undefined;
  let stopping = false;
  const handOver = (component: string) => {
    const taskQueue = WORKER_QUEUES[component];
    if (!taskQueue || stopping) return;
    client ??= new Client({ connection: Connection.lazy({ address }), namespace: config.temporal.namespace });
    handOverWorkflows(client, taskQueue).then(
      ({ workflows, errors, ms }) =>
        log(
          `${component} exited: ${workflows} workflow(s) of ${taskQueue} handed over to its shared queue in ${ms} ms${errors ? ` (${errors} could not be)` : ''}`,
        ),
      (error: Error) => log(`${component} exited: its workflows wait out the sticky timeout (${error.message})`),
    );
  };
  const supervisor = new Supervisor(log, {
    onEvent: (event) => {
      if (event.kind === 'exit') handOver(event.name);
      options.onSupervisorEvent?.(event);
    },
  });
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
      restartOnCrash: true,
      onEvent: (event) => {
        if (event.kind === 'ready') supervisor.retryNow(); // whatever crashed without Temporal may start now
        options.onServerEvent?.(event);
      },
    });
    uiUrl = server.uiUrl;
  }
  uiUrl ??= `http://${address.slice(0, address.lastIndexOf(':'))}:${Number(address.slice(address.lastIndexOf(':') + 1)) + 1000}`;

  const supervisorUrl = await supervisor.listen(config.dev.supervisorPort);
  const env = {
    TEMPORAL_ADDRESS: address,
    TEMPORAL_UI_URL: uiUrl,
    HEALER_SUPERVISOR_URL: supervisorUrl,
    HEALER_STATE_DIR: config.stateDir,
    // Component logs are read by people here: pretty lines, unless HEALER_LOG_FORMAT was chosen.
    HEALER_LOG_FORMAT: config.sources.logFormat?.source === 'env' ? config.logFormat : 'pretty',
    ...options.env,
  };
  const bin = join(projectRoot(), 'bin', 'healer.js');
  const logDir = join(config.stateDir, 'logs');
  for (const name of DEV_COMPONENTS)
    supervisor.start({ name, command: process.execPath, args: [bin, name], env, logFile: join(logDir, `${name}.log`) });
  log(`component logs: ${logDir}/<component>.log`);

  const apiUrl = `http://${config.api.host}:${config.api.port}`;
  const stop = async () => {
    stopping = true;
    await supervisor.stopAll();
    await client?.connection.close();
    await server?.stop();
  };
  try {
    await waitForHealth(apiUrl, 60_000);
  } catch (error) {
    await stop();
    throw error;
  }
  return {
    apiUrl,
    uiUrl,
    supervisorUrl,
    temporalAddress: address,
    startedServer: server !== undefined,
    supervisor,
    ...(server ? { server } : {}),
    stop,
  };
}

/** `healer dev`: start the stack, print where everything is, run until Ctrl-C. */
export async function runDev(config: HealerConfig, io: CliIo): Promise<number> {
  const stack = await startDevStack(config, (line) => io.stderr.write(`${line}\n`));
  io.stdout.write(
    `Healer is running.\n  API:          ${stack.apiUrl}\n  Temporal UI:  ${stack.uiUrl}\n  Temporal:     ${stack.temporalAddress}\n  Supervisor:   ${stack.supervisorUrl}\nPress Ctrl-C to stop.\n`,
  );
  await untilSignal();
  await stack.stop();
  return 0;
}
