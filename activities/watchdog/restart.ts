// Restarting and scaling Healer's own components. Two back-ends behind the same two activities:
// - Kubernetes: rollout-restart a Deployment (patch the pod template's restartedAt annotation, as
//   `kubectl rollout restart` does) and scale Deployments, through @kubernetes/client-node;
// - local dev: the supervisor started by `healer dev` (POST /components/{name}/restart, GET /components).
// Idempotent: the restart carries the action's key; a key already applied is not applied twice.
// A component found alive first (activities/watchdog/liveness.ts) is not restarted: the step says why.
import { ApplicationFailure, heartbeat } from '@temporalio/activity';
import { PatchStrategy, setHeaderOptions, type AppsV1Api } from '@kubernetes/client-node';
import type { StepRequest } from '../../core/watchdog/playbook/types';
import { aliveReason, type LivenessDeps } from './liveness';

export const RESTARTED_AT_ANNOTATION = 'kubectl.kubernetes.io/restartedAt';
export const RESTART_KEY_ANNOTATION = 'healer.5dlabs.ai/restart-key';

export interface RestartDeps extends LivenessDeps {
  /** `healer dev` supervisor base URL (HEALER_SUPERVISOR_URL); wins over Kubernetes when set. */
  supervisorUrl?: string;
  kube?: { apps: AppsV1Api; namespace: string };
  /** Deployment of a component (default `healer-<component>`). */
  deploymentFor?: (component: string) => string;
  now?: () => Date;
}

export interface RestartResult {
  component: string;
  via: 'kubernetes' | 'supervisor';
  target: string;
  alreadyApplied: boolean;
  /** Not restarted, and why (it was found alive). */
  skipped?: string;
}

export interface ScaleResult {
  deployment: string;
  via: 'kubernetes' | 'supervisor';
  replicas: number;
  previousReplicas?: number;
  skipped?: string;
}

/** A supervisor component as `GET /components` lists it. */
export interface SupervisorComponent {
  name: string;
  running?: boolean;
  pid?: number;
  restarts?: number;
  /** The Idempotency-Key of the last restart the supervisor applied. */
  lastRestartKey?: string;
  /** Reported by the component: its last heartbeat attempt, and the last one delivered. */
  lastHeartbeatAttemptAt?: string;
  lastHeartbeatDeliveredAt?: string;
}

const mergePatch = setHeaderOptions('Content-Type', PatchStrategy.MergePatch);

export function createRestartActivities(deps: RestartDeps) {
  const deploymentFor = deps.deploymentFor ?? ((component: string) => `healer-${component}`);
  const now = deps.now ?? (() => new Date());

  async function supervisor(path: string, init?: RequestInit): Promise<Response> {
    const response = await fetch(`${deps.supervisorUrl!.replace(/\/$/, '')}${path}`, {
      ...init,
      headers: { 'content-type': 'application/json', ...(init?.headers ?? {}) },
      signal: AbortSignal.timeout(15_000),
    });
    if (response.status >= 500) throw new Error(`supervisor ${init?.method ?? 'GET'} ${path}: HTTP ${response.status}`);
    return response;
  }

  function backend(): 'supervisor' | 'kubernetes' {
    if (deps.supervisorUrl) return 'supervisor';
    if (deps.kube) return 'kubernetes';
    throw ApplicationFailure.nonRetryable(
      'no restart back-end: set HEALER_SUPERVISOR_URL (healer dev) or configure Kubernetes',
      'NoRestartBackend',
    );
  }

  return {
    async restartComponent(request: StepRequest<{ component: string; force?: boolean }>): Promise<RestartResult> {
      const { component, force } = request.params;
      const key = request.context.key;
      heartbeat();
      if (backend() === 'supervisor') {
        const listed = await supervisor('/components');
        let supervised: SupervisorComponent | undefined;
        if (listed.ok) {
          const body = (await listed.json()) as { components?: SupervisorComponent[] } | SupervisorComponent[];
          const components = Array.isArray(body) ? body : (body.components ?? []);
          supervised = components.find((c) => c.name === component);
          if (supervised?.lastRestartKey === key) {
            return { component, via: 'supervisor', target: component, alreadyApplied: true };
          }
        }
        const alive = await aliveReason(deps, component, request.context, supervised);
        if (alive) return { component, via: 'supervisor', target: component, alreadyApplied: false, skipped: alive };
        const response = await supervisor(`/components/${encodeURIComponent(component)}/restart`, {
          method: 'POST',
          headers: { 'idempotency-key': key },
          body: JSON.stringify({ key, force: force === true }),
        });
        if (response.status === 404)
          throw ApplicationFailure.nonRetryable(`the supervisor runs no component "${component}"`, 'UnknownComponent');
        if (!response.ok)
          throw new Error(`supervisor restart of ${component}: HTTP ${response.status} ${await response.text()}`);
        return { component, via: 'supervisor', target: component, alreadyApplied: false };
      }

      const { apps, namespace } = deps.kube!;
      const name = deploymentFor(component);
      const deployment = await apps.readNamespacedDeployment({ name, namespace }).catch((error: unknown) => {
        if ((error as { code?: number }).code === 404)
          throw ApplicationFailure.nonRetryable(`Deployment ${namespace}/${name} not found`, 'UnknownComponent');
        throw error;
      });
      if (deployment.spec?.template?.metadata?.annotations?.[RESTART_KEY_ANNOTATION] === key) {
        return { component, via: 'kubernetes', target: `${namespace}/${name}`, alreadyApplied: true };
      }
      const alive = await aliveReason(deps, component, request.context);
      if (alive)
        return { component, via: 'kubernetes', target: `${namespace}/${name}`, alreadyApplied: false, skipped: alive };
      const annotations = { [RESTARTED_AT_ANNOTATION]: now().toISOString(), [RESTART_KEY_ANNOTATION]: key };
      await apps.patchNamespacedDeployment(
        { name, namespace, body: { spec: { template: { metadata: { annotations } } } } },
        mergePatch,
      );
      return { component, via: 'kubernetes', target: `${namespace}/${name}`, alreadyApplied: false };
    },

    /** Scale the standby pool: up to delegate, down (0) to revoke. Setting a replica count is naturally idempotent. */
    async scaleStandby(request: StepRequest<{ deployment: string; replicas: number }>): Promise<ScaleResult> {
      const { deployment, replicas } = request.params;
      heartbeat();
      if (backend() === 'supervisor') {
        const response = await supervisor(`/components/${encodeURIComponent(deployment)}/scale`, {
          method: 'POST',
          headers: { 'idempotency-key': request.context.key },
          body: JSON.stringify({ replicas }),
        });
        // `healer dev` has no standby pool unless the supervisor runs one: the delegation is a no-op there.
        if (response.status === 404)
          return { deployment, via: 'supervisor', replicas, skipped: 'the local supervisor runs no standby pool' };
        if (!response.ok) throw new Error(`supervisor scale of ${deployment}: HTTP ${response.status}`);
        return { deployment, via: 'supervisor', replicas };
      }
      const { apps, namespace } = deps.kube!;
      const current = await apps
        .readNamespacedDeploymentScale({ name: deployment, namespace })
        .catch((error: unknown) => {
          if ((error as { code?: number }).code === 404)
            throw ApplicationFailure.nonRetryable(
              `Deployment ${namespace}/${deployment} not found`,
              'UnknownComponent',
            );
          throw error;
        });
      const previousReplicas = current.spec?.replicas;
      if (previousReplicas !== replicas) {
        await apps.patchNamespacedDeploymentScale(
          { name: deployment, namespace, body: { spec: { replicas } } },
          mergePatch,
        );
      }
      return {
        deployment,
        via: 'kubernetes',
        replicas,
        ...(previousReplicas !== undefined ? { previousReplicas } : {}),
      };
    },
  };
}

export type RestartActivities = ReturnType<typeof createRestartActivities>;
