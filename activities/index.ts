// Every activity the `healer` task queue serves, built from injected clients (real ones in the
// worker, the same real clients pointed at test/fakes/ servers in tests).
import { join } from 'node:path';
import type { HealerConfig } from '../runtime/config';
import { createContextActivities, type ContextDeps } from './incident/context';
import { createGitHubActivities, createOctokit, fileDryRunStore } from './incident/github';
import { kubeClientsFromEnv, type KubeClients } from './kubernetes';
import { createNotifyActivities } from './incident/notify';
import { createRemediationActivities } from './incident/remediation';

export interface ActivityDeps {
  config: HealerConfig;
  /** Overrides the clients built from config (tests point them at fakes). */
  kube?: KubeClients | null;
  logWindow?: ContextDeps['logWindow'];
}

export function createActivities(deps: ActivityDeps) {
  const { config } = deps;
  const octokit = config.github.token ? createOctokit(config.github.token, config.github.apiUrl) : null;
  const github = createGitHubActivities({
    octokit,
    issuesRepo: config.github.issuesRepo,
    dryRunStore: fileDryRunStore(join(config.stateDir, 'dry-run')),
  });
  const kube = deps.kube === undefined ? kubeClientsFromEnv(config.kubeconfig) : deps.kube;
  return {
    ...github,
    ...createContextActivities({
      stateDir: config.stateDir,
      kube,
      ...(deps.logWindow ? { logWindow: deps.logWindow } : {}),
    }),
    ...createNotifyActivities({ webhookUrl: config.discordWebhookUrl }),
    ...createRemediationActivities({ github, kube }),
  };
}

export type HealerActivities = ReturnType<typeof createActivities>;
