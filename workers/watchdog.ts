// The watchdog's own small worker (`healer watchdog`): task queue `healer-watchdog`, serving only the
// watchdog, playbook and audit mirror (`audit-<namespace>`) workflows and the recovery activities, so it
// keeps running when the main workers are down. It also makes sure `watchdog-<namespace>` exists.
import { hostname } from 'node:os';
import { join } from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { NativeConnection, Worker, type WorkerOptions } from '@temporalio/worker';
import { AppsV1Api } from '@kubernetes/client-node';
import { gitHubDeps } from '../activities';
import { createGitHubActivities, type GitHubDeps } from '../activities/incident/github';
import { createNotifyActivities } from '../activities/incident/notify';
import { kubeConfigFrom } from '../activities/kubernetes';
import { AuditLog } from '../activities/watchdog/audit';
import { createAuditMirror } from '../activities/watchdog/audit-mirror';
import { createWatchdogWorkerActivities } from '../activities/watchdog/watchdog';
import type { HealerConfig } from '../runtime/config';
import { projectRoot } from '../runtime/paths';
import { DEFAULT_K8S_NAMESPACE, WATCHDOG_TASK_QUEUE, watchdogWorkflowId } from '../core/contract';
import type { WatchdogInput, WatchdogSettings } from '../core/contract';
import { observeWorker } from './observability';
import { WORKER_RESILIENCE } from './resilience';

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
  github?: GitHubDeps;
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
    audit: {
      log: new AuditLog(opts.auditLogPath),
      actor,
      // Served by this worker: the mirror lives on the watchdog's queue, like the watchdog.
      mirror: createAuditMirror({ client, namespace, taskQueue }),
    },
    escalate: {
      actor,
      ...(opts.github
        ? {
            github: createGitHubActivities(opts.github),
            issuesRepo: opts.github.issuesRepo,
          }
        : {}),
      notify: createNotifyActivities({ webhookUrl: opts.discordWebhookUrl }),
    },
  });

  const worker = await Worker.create(
    observeWorker({
      connection,
      namespace: temporalNamespace,
      taskQueue,
      ...(opts.workflowBundle
        ? { workflowBundle: opts.workflowBundle }
        : { workflowsPath: require.resolve('../workflows/watchdog/watchdog') }),
      activities,
      ...WORKER_RESILIENCE,
      shutdownGraceTime: '10s',
      ...opts.workerOptions,
    }),
  );

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
 * Options for `healer watchdog` from the configuration: restarts through the `healer dev` supervisor
 * (HEALER_SUPERVISOR_URL) or Kubernetes Deployments (kubeconfig or in-cluster), the audit log,
 * escalation issues through the configured GitHub (dry run without a token), Discord.
 */
export function watchdogOptionsFromConfig(config: HealerConfig): WatchdogWorkerOptions {
  const namespace = config.namespace;
  const supervisorUrl = config.watchdog.supervisorUrl;
  const kubeConfig = supervisorUrl ? null : kubeConfigFrom(config.kubernetes);
  return {
    address: config.temporal.address,
    temporalNamespace: config.temporal.namespace,
    namespace,
    auditLogPath: config.watchdog.auditLogPath,
    ...(supervisorUrl ? { supervisorUrl } : {}),
    ...(kubeConfig ? { kube: { apps: kubeConfig.makeApiClient(AppsV1Api), namespace } } : {}),
    github: gitHubDeps(config),
    ...(config.discordWebhookUrl ? { discordWebhookUrl: config.discordWebhookUrl } : {}),
  };
}

/** `healer watchdog`: the watchdog's worker as configured. */
export const startWatchdogWorker = (config: HealerConfig): Promise<RunningWatchdogWorker> =>
  runWatchdogWorker(watchdogOptionsFromConfig(config));
