// The Kubernetes clients Healer's activities use, from KUBECONFIG or the in-cluster service account.
import { AppsV1Api, CoreV1Api, CustomObjectsApi, KubeConfig } from '@kubernetes/client-node';

export interface KubeClients {
  core: CoreV1Api;
  custom: CustomObjectsApi;
  apps: AppsV1Api;
}

/** Null when there is no cluster to talk to (local dev without a kubeconfig). */
export function kubeClientsFromEnv(
  kubeconfig: string | undefined,
  env: NodeJS.ProcessEnv = process.env,
): KubeClients | null {
  const kc = new KubeConfig();
  if (kubeconfig) kc.loadFromFile(kubeconfig);
  else if (env.KUBERNETES_SERVICE_HOST) kc.loadFromCluster();
  else return null;
  return {
    core: kc.makeApiClient(CoreV1Api),
    custom: kc.makeApiClient(CustomObjectsApi),
    apps: kc.makeApiClient(AppsV1Api),
  };
}
