// A stand-in Healer component for the recovery benchmark: a separate process that only heartbeats
// (with a moving cursor), so the benchmark measures the watchdog's detection and recovery, not boot time.
// Usage: node heartbeat-component.js <component>   (TEMPORAL_ADDRESS, HEALER_NAMESPACE, HEALER_HEARTBEAT_MS,
// HEALER_WATCHDOG_TASK_QUEUE from the environment)
import { Client, Connection } from '@temporalio/client';
import { startHeartbeat } from '../../runtime/heartbeat';

async function main(): Promise<void> {
  const component = process.argv[2];
  if (!component) throw new Error('usage: heartbeat-component <component>');
  const connection = await Connection.connect({ address: process.env.TEMPORAL_ADDRESS ?? '127.0.0.1:7233' });
  let cursor = 0;
  startHeartbeat({
    client: new Client({ connection }),
    namespace: process.env.HEALER_NAMESPACE ?? 'cto',
    component,
    version: 'bench',
    intervalMs: Number(process.env.HEALER_HEARTBEAT_MS ?? 10_000),
    ...(process.env.HEALER_WATCHDOG_TASK_QUEUE ? { taskQueue: process.env.HEALER_WATCHDOG_TASK_QUEUE } : {}),
    progress: () => ({ cursor: (cursor += 1), hasNewData: true }),
  });
  // The heartbeat timer does not hold the process open; this does, until the supervisor stops it.
  setInterval(() => undefined, 1 << 30);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
