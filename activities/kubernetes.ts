// The Kubernetes clients Healer uses, from the configured kubeconfig or the pod's service account.
import { AppsV1Api, CoreV1Api, CustomObjectsApi, KubeConfig } from '@kubernetes/client-node';
import type { HealerConfig } from '../runtime/config';

export interface KubeClients {
  core: CoreV1Api;
  custom: CustomObjectsApi;
  apps: AppsV1Api;
}

/** Null when there is no cluster to talk to (local dev without a kubeconfig). */
export function kubeConfigFrom(settings: HealerConfig['kubernetes']): KubeConfig | null {
  const kc = new KubeConfig();
  if (settings.kubeconfig) kc.loadFromFile(settings.kubeconfig);
  else if (settings.inCluster) kc.loadFromCluster();
  else return null;
  return kc;
}

export function kubeClientsFrom(settings: HealerConfig['kubernetes']): KubeClients | null {
  const kc = kubeConfigFrom(settings);
  if (!kc) return null;
  return {
    core: kc.makeApiClient(CoreV1Api),
    custom: kc.makeApiClient(CustomObjectsApi),
    apps: kc.makeApiClient(AppsV1Api),
  };
}
