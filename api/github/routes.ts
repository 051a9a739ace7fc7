// GitHub's side of the API: the CI webhook, and (when HEALER_CI_POLL_INTERVAL_MS is set) the pollers of
// the repositories in HEALER_WATCH_REPOS, started once the server is ready.
import type { Client } from '@temporalio/client';
import type { FastifyInstance } from 'fastify';
import type { HealerConfig } from '../../runtime/config';
import { ensureCiPollers } from './pollers';
import { registerGitHubWebhook } from './webhook';

export function registerGitHubRoutes(
  app: FastifyInstance,
  deps: { client: Client; config: HealerConfig; taskQueue?: string },
): void {
  const { ci } = deps.config;
  registerGitHubWebhook(app, {
    client: deps.client,
    ...(ci.webhookSecret ? { secret: ci.webhookSecret } : {}),
    ...(deps.taskQueue ? { taskQueue: deps.taskQueue } : {}),
    ignoredActors: ci.ignoredActors,
  });
  if (ci.pollIntervalMs > 0 && ci.watchRepos.length > 0)
    app.addHook('onReady', async () => {
      await ensureCiPollers(deps.client, ci.watchRepos, {
        intervalMs: ci.pollIntervalMs,
        ignoredActors: ci.ignoredActors,
        ...(deps.taskQueue ? { taskQueue: deps.taskQueue } : {}),
      });
    });
}
