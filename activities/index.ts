// Every activity the `healer` task queue serves, built from injected clients (real ones in the
// worker, the same real clients pointed at test/fakes/ servers in tests).
import { join } from 'node:path';
import type { HealerConfig } from '../runtime/config';
import { Context } from '@temporalio/activity';
import { createContextActivities, type ContextDeps } from './incident/context';
import { createGitHubContext } from './incident/github-context';
import {
  kubernetesWindowSource,
  lokiWindowSource,
  pushedWindowSource,
  type LogWindowSource,
} from './incident/log-window';
import { createGitHubActivities, createOctokit, fileDryRunStore, type GitHubDeps } from './incident/github';
import { kubeClientsFrom, kubeConfigFrom, type KubeClients } from './kubernetes';
import { createNotifyActivities } from './incident/notify';
import { createRemediationActivities } from './incident/remediation';
import { createCiActivities } from './ci';

export interface ActivityDeps {
  config: HealerConfig;
  /** Overrides the clients built from config (tests point them at fakes). */
  kube?: KubeClients | null;
  logWindow?: ContextDeps['logWindow'];
}

/** GitHub as configured: Octokit with the token, or a dry run recorded in <state dir>/dry-run/dry-run.jsonl. */
export function gitHubDeps(config: HealerConfig): GitHubDeps {
  return {
    octokit: config.github.token ? createOctokit(config.github.token, config.github.apiUrl) : null,
    issuesRepo: config.github.issuesRepo,
    dryRunStore: fileDryRunStore(join(config.stateDir, 'dry-run')),
  };
}

export function createActivities(deps: ActivityDeps) {
  const { config } = deps;
  const githubDeps = gitHubDeps(config);
  const github = createGitHubActivities(githubDeps);
  const kube = deps.kube === undefined ? kubeClientsFrom(config.kubernetes) : deps.kube;
  return {
    ...github,
    ...createContextActivities({
      stateDir: config.stateDir,
      kube,
      sources: logWindowSources(config, deps.kube),
      // The worker's own client, handed to each activity: the session, its log store, other incidents.
      client: () => Context.current().client,
      github: createGitHubContext({ octokit: githubDeps.octokit, ciState: github.ciState }),
      ...(deps.logWindow ? { logWindow: deps.logWindow } : {}),
    }),
    ...createNotifyActivities({ webhookUrl: config.discordWebhookUrl }),
    ...createRemediationActivities({ github, kube }),
    ...createCiActivities({
      octokit: githubDeps.octokit,
      stateDir: config.stateDir,
      watchRepos: config.ci.watchRepos,
      namespace: config.namespace,
    }),
  };
}

/**
 * Where an incident's log window is read from: Loki when configured, else the session's pods in
 * Kubernetes; and always the lines pushed through the API (their store lives in Temporal).
 */
function logWindowSources(config: HealerConfig, kubeOverride: KubeClients | null | undefined): LogWindowSource[] {
  const sources: LogWindowSource[] = [];
  if (config.loki.url)
    sources.push(lokiWindowSource({ url: config.loki.url, orgId: config.loki.orgId, labels: config.scanner.labels }));
  else {
    // Tests that pass no Kubernetes (kube: null) read no pod logs either.
    const kubeConfig = kubeOverride === null ? null : kubeConfigFrom(config.kubernetes);
    if (kubeConfig) sources.push(kubernetesWindowSource({ kubeConfig, labels: config.scanner.labels }));
  }
  sources.push(pushedWindowSource(() => Context.current().client));
  return sources;
}

export type HealerActivities = ReturnType<typeof createActivities>;
