// The Kubernetes clients Healer uses, from the configured kubeconfig or the pod's service account. The
// client library is loaded only when a cluster is configured: a restarted worker without one serves sooner.
/* eslint-disable @typescript-eslint/no-require-imports */
import type { AppsV1Api, CoreV1Api, CustomObjectsApi, KubeConfig } from '@kubernetes/client-node';
import type { HealerConfig } from '../runtime/config';

export interface KubeClients {
  core: CoreV1Api;
  custom: CustomObjectsApi;
  apps: AppsV1Api;
}

const kubernetes = () => require('@kubernetes/client-node') as typeof import('@kubernetes/client-node');

/** Null when there is no cluster to talk to (local dev without a kubeconfig). */
export function kubeConfigFrom(settings: HealerConfig['kubernetes']): KubeConfig | null {
  if (!settings.kubeconfig && !settings.inCluster) return null;
  const kc = new (kubernetes().KubeConfig)();
  if (settings.kubeconfig) kc.loadFromFile(settings.kubeconfig);
  else kc.loadFromCluster();
  return kc;
}

export function kubeClientsFrom(settings: HealerConfig['kubernetes']): KubeClients | null {
  const kc = kubeConfigFrom(settings);
  if (!kc) return null;
  const { AppsV1Api, CoreV1Api, CustomObjectsApi } = kubernetes();
  return {
    core: kc.makeApiClient(CoreV1Api),
    custom: kc.makeApiClient(CustomObjectsApi),
    apps: kc.makeApiClient(AppsV1Api),
  };
}
