// The watchdog's own small worker (`healer watchdog`): task queue `healer-watchdog`, serving only the
// watchdog and playbook workflows and the recovery activities, so it keeps running when the main
// workers are down. It also makes sure `watchdog-<namespace>` exists.
import { hostname } from 'node:os';
import { join } from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { NativeConnection, Worker, type WorkerOptions } from '@temporalio/worker';
import { AppsV1Api, KubeConfig } from '@kubernetes/client-node';
import type { Octokit } from '@octokit/rest';
import {
  createGitHubActivities,
  fileDryRunStore,
  githubFromEnv,
  type DryRunStore,
} from '../activities/incident/github';
import { createNotifyActivities } from '../activities/incident/notify';
import { AuditLog, defaultAuditLogPath } from '../activities/watchdog/audit';
import { createWatchdogWorkerActivities } from '../activities/watchdog/watchdog';
import type { HealerConfig } from '../runtime/config';
import { projectRoot } from '../runtime/paths';
import { DEFAULT_K8S_NAMESPACE, WATCHDOG_TASK_QUEUE, watchdogWorkflowId } from '../core/contract';
import type { WatchdogInput, WatchdogSettings } from '../core/contract';

export interface WatchdogWorkerOptions {
  /** Temporal address and namespace (ignored when `connection` is given). */
  address?: string;
  temporalNamespace?: string;
  connection?: NativeConnection;
  client?: Client;
  taskQueue?: string;
  /** Healer namespace watched: the workflow id is `watchdog-<namespace>` (default "cto"). */
  namespace?: string;
  /** Components expected to heartbeat (default scanner, worker, remediation). */
  components?: string[];
  settings?: Partial<WatchdogSettings>;
  /** Start `watchdog-<namespace>` if it is not running (default true). */
  ensureWatchdog?: boolean;
  auditLogPath: string;
  playbookDir?: string;
  /** `healer dev`: restart through the supervisor. */
  supervisorUrl?: string;
  /** Kubernetes: restart and scale Deployments in this namespace. */
  kube?: { apps: AppsV1Api; namespace: string };
  deploymentFor?: (component: string) => string;
  /** Escalation issues: Octokit (null = dry run) and the repository they go to (HEALER_ISSUES_REPO). */
  github?: { octokit: Octokit | null; issuesRepo?: string; dryRunStore?: DryRunStore };
  discordWebhookUrl?: string;
  /** Pre-built workflow bundle; otherwise bundles workflows/watchdog.ts at start. */
  workflowBundle?: WorkerOptions['workflowBundle'];
  workerOptions?: Partial<WorkerOptions>;
}

export interface RunningWatchdogWorker {
  worker: Worker;
  client: Client;
  workflowId: string;
  /** Resolves when the worker has stopped (SIGINT/SIGTERM or shutdown()). */
  done: Promise<void>;
  shutdown(): Promise<void>;
}

/** The components that heartbeat; the same names as their Deployments (`healer-<name>`) and `healer dev` processes. */
export const DEFAULT_COMPONENTS = ['scanner', 'worker', 'llm-worker'];

export async function runWatchdogWorker(opts: WatchdogWorkerOptions): Promise<RunningWatchdogWorker> {
  const ownConnection = opts.connection
    ? undefined
    : await NativeConnection.connect({ address: opts.address ?? '127.0.0.1:7233' });
  const connection = opts.connection ?? ownConnection!;
  const temporalNamespace = opts.temporalNamespace ?? 'default';
  let clientConnection: Connection | undefined;
  const client =
    opts.client ??
    new Client({
      connection: (clientConnection = await Connection.connect({ address: opts.address ?? '127.0.0.1:7233' })),
      namespace: temporalNamespace,
    });
  const namespace = opts.namespace ?? DEFAULT_K8S_NAMESPACE;
  const taskQueue = opts.taskQueue ?? WATCHDOG_TASK_QUEUE;
  const actor = `watchdog/${hostname()}`;

  const activities = createWatchdogWorkerActivities({
    client,
    playbookDir: opts.playbookDir ?? join(projectRoot(), 'playbooks'),
    restart: {
      ...(opts.supervisorUrl ? { supervisorUrl: opts.supervisorUrl } : {}),
      ...(opts.kube ? { kube: opts.kube } : {}),
      ...(opts.deploymentFor ? { deploymentFor: opts.deploymentFor } : {}),
    },
    audit: { log: new AuditLog(opts.auditLogPath), actor },
    escalate: {
      actor,
      ...(opts.github
        ? {
            github: createGitHubActivities({
              octokit: opts.github.octokit,
              issuesRepo: opts.github.issuesRepo,
              dryRunStore: opts.github.dryRunStore,
            }),
            issuesRepo: opts.github.issuesRepo,
          }
        : {}),
      notify: createNotifyActivities({ webhookUrl: opts.discordWebhookUrl }),
    },
  });

  const worker = await Worker.create({
    connection,
    namespace: temporalNamespace,
    taskQueue,
    ...(opts.workflowBundle
      ? { workflowBundle: opts.workflowBundle }
      : { workflowsPath: require.resolve('../workflows/watchdog/watchdog') }),
    activities,
    shutdownGraceTime: '10s',
    ...opts.workerOptions,
  });

  const workflowId = watchdogWorkflowId(namespace);
  const done = worker.run().finally(async () => {
    await clientConnection?.close();
    await ownConnection?.close();
  });
  if (opts.ensureWatchdog !== false) {
    const input: WatchdogInput = {
      namespace,
      components: opts.components ?? DEFAULT_COMPONENTS,
      ...(opts.settings ? { settings: opts.settings } : {}),
    };
    await client.workflow.start('watchdog', {
      workflowId,
      taskQueue,
      args: [input],
      workflowIdConflictPolicy: 'USE_EXISTING',
      staticSummary: `Healer watchdog for namespace ${namespace}: heartbeats, recovery playbooks, bounded restarts`,
    });
  }
  return {
    worker,
    client,
    workflowId,
    done,
    async shutdown() {
      if (worker.getState() === 'RUNNING') worker.shutdown();
      await done;
    },
  };
}

/**
 * Options for `healer watchdog` from the validated configuration and the environment:
 * HEALER_NAMESPACE (default cto), HEALER_SUPERVISOR_URL (`healer dev`; otherwise Kubernetes through
 * KUBECONFIG or the in-cluster service account), HEALER_AUDIT_LOG, GITHUB_TOKEN + HEALER_ISSUES_REPO,
 * DISCORD_WEBHOOK_URL.
 */
export function watchdogOptionsFromConfig(
  config: HealerConfig,
  env: NodeJS.ProcessEnv = process.env,
): WatchdogWorkerOptions {
  const namespace = config.namespace;
  const supervisorUrl = env.HEALER_SUPERVISOR_URL?.trim() || undefined;
  let kube: WatchdogWorkerOptions['kube'];
  if (!supervisorUrl) {
    const kc = new KubeConfig();
    kc.loadFromDefault();
    kube = { apps: kc.makeApiClient(AppsV1Api), namespace };
  }
  return {
    address: config.temporal.address,
    temporalNamespace: config.temporal.namespace,
    namespace,
    auditLogPath: defaultAuditLogPath(env),
    ...(supervisorUrl ? { supervisorUrl } : {}),
    ...(kube ? { kube } : {}),
    github: {
      octokit: githubFromEnv(env),
      issuesRepo: config.github.issuesRepo,
      dryRunStore: fileDryRunStore(config.stateDir),
    },
    ...(config.discordWebhookUrl ? { discordWebhookUrl: config.discordWebhookUrl } : {}),
  };
}
