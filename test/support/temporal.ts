// Connections, clients and workers for integration tests against the suite's dev server
// (started once by test/global-setup.ts).
import { Client, Connection } from '@temporalio/client';
import { NativeConnection, Runtime, DefaultLogger, Worker, type WorkerOptions } from '@temporalio/worker';
import { WORKER_RESILIENCE } from '../../workers/resilience';
import { healerMetrics } from '../../runtime/metrics';
import { workflowMetricSinks } from '../../workers/worker-metrics';

let connection: Promise<Connection> | undefined;
let nativeConnection: Promise<NativeConnection> | undefined;
let counter = 0;

// Keep worker logs to warnings so test output stays readable.
try {
  Runtime.install({ logger: new DefaultLogger('WARN') });
} catch {
  // already installed in this test file
}

export function testAddress(): string {
  const address = process.env.HEALER_TEST_TEMPORAL_ADDRESS;
  if (!address)
    throw new Error('HEALER_TEST_TEMPORAL_ADDRESS is not set: run tests through jest (global setup starts the server)');
  return address;
}

export const testNamespace = 'default';

export function testConnection(): Promise<Connection> {
  connection ??= Connection.connect({ address: testAddress() });
  return connection;
}

export async function testClient(): Promise<Client> {
  return new Client({ connection: await testConnection(), namespace: testNamespace });
}

export function testNativeConnection(): Promise<NativeConnection> {
  nativeConnection ??= NativeConnection.connect({ address: testAddress() });
  return nativeConnection;
}

/** A task queue no other test uses. */
export function uniqueTaskQueue(prefix = 'test'): string {
  counter += 1;
  return `${prefix}-${process.pid}-${Date.now().toString(36)}-${counter}`;
}

/** A unique id fragment for workflow ids (play ids, namespaces). */
export const uniqueId = (prefix = 'id'): string => uniqueTaskQueue(prefix);

/** A worker on the suite's dev server running the pre-built bundle of every Healer workflow. */
export async function createTestWorker(options: Partial<WorkerOptions> & { taskQueue: string }): Promise<Worker> {
  const bundlePath = process.env.HEALER_TEST_WORKFLOW_BUNDLE;
  const code =
    options.workflowsPath || options.workflowBundle || !bundlePath ? {} : { workflowBundle: { codePath: bundlePath } };
  return Worker.create({
    connection: await testNativeConnection(),
    namespace: testNamespace,
    shutdownGraceTime: '2s',
    // Production's hand-over settings: heartbeats leave at the pace the 5 s heartbeat timeouts expect.
    ...WORKER_RESILIENCE,
    ...code,
    ...options,
    // The metric sinks the workflows report to, as on every production worker (observeWorker).
    sinks: { ...workflowMetricSinks(healerMetrics()), ...options.sinks },
  });
}

export async function closeTestConnections(): Promise<void> {
  const c = connection;
  const n = nativeConnection;
  connection = undefined;
  nativeConnection = undefined;
  await (await c)?.close();
  await (await n)?.close();
}

/** Polls `read` until `accept` holds (for state reached through signals); fails with the last value. */
export async function eventually<T>(
  read: () => Promise<T>,
  accept: (value: T) => boolean,
  timeoutMs = 20_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: T | undefined;
  let lastError: unknown;
  while (Date.now() < deadline) {
    try {
      last = await read();
      if (accept(last)) return last;
    } catch (error) {
      lastError = error;
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(
    `condition not reached in ${timeoutMs} ms; last value: ${JSON.stringify(last)}${lastError ? `; last error: ${(lastError as Error).message}` : ''}`,
  );
}
