// Gives a component process its watchdog heartbeat (every 10 s) over its own client connection.
import { Client, Connection } from '@temporalio/client';
import { startHeartbeat, type HeartbeatOptions } from '../runtime/heartbeat';
import type { HealerConfig } from '../runtime/config';
import { projectVersion } from '../runtime/paths';

export async function startComponentHeartbeat(
  config: HealerConfig,
  component: string,
  progress?: HeartbeatOptions['progress'],
): Promise<{ stop(): Promise<void> }> {
  const connection = await Connection.connect({ address: config.temporal.address });
  const client = new Client({ connection, namespace: config.temporal.namespace });
  const sender = startHeartbeat({
    client,
    namespace: config.namespace,
    component,
    version: projectVersion(),
    ...(progress ? { progress } : {}),
  });
  return {
    async stop() {
      await sender.stop();
      await connection.close();
    },
  };
}
