// Maps the labels of a line (Loki stream labels, pod labels, push labels) to the play session it belongs
// to. Lines without a play id go to the platform session of their Kubernetes namespace: nothing is dropped.
import {
  DEFAULT_ATTRIBUTION_LABELS,
  DEFAULT_K8S_NAMESPACE,
  PLATFORM_PLAY_ID_PREFIX,
  platformWorkflowId,
  sessionWorkflowId,
  type AttributionLabels,
} from '../core/contract';
import type { Labels } from './types';

export interface AttributionConfig extends AttributionLabels {
  /** Namespace of lines whose labels name none. */
  defaultNamespace: string;
}

export const DEFAULT_ATTRIBUTION: AttributionConfig = {
  ...DEFAULT_ATTRIBUTION_LABELS,
  defaultNamespace: DEFAULT_K8S_NAMESPACE,
};

export interface Target {
  workflowId: string;
  /** `platform` targets are started on demand (signal-with-start). */
  kind: 'session' | 'platform';
  playId: string;
  namespace: string;
}

export interface Attribution {
  target: Target;
  agent?: string;
  taskId?: string;
  pod?: string;
  coderun?: string;
}

/** Label names are matched exactly, then with `-`/`_` swapped (Loki labels cannot hold `-`), then as the
 * last segment of a prefixed Kubernetes label (`agents.platform/play-id`). */
function lookup(labels: Labels, names: string[]): string | undefined {
  for (const name of names) {
    const variants = [name, name.replace(/-/g, '_'), name.replace(/_/g, '-')];
    for (const v of variants) if (labels[v]) return labels[v];
    for (const [key, value] of Object.entries(labels)) {
      const last = key.slice(key.lastIndexOf('/') + 1);
      if (value && key.includes('/') && variants.includes(last)) return value;
    }
  }
  return undefined;
}

export function platformTarget(namespace: string): Target {
  return {
    workflowId: platformWorkflowId(namespace),
    kind: 'platform',
    playId: `${PLATFORM_PLAY_ID_PREFIX}${namespace}`,
    namespace,
  };
}

export function sessionTarget(playId: string, namespace: string): Target {
  return { workflowId: sessionWorkflowId(playId), kind: 'session', playId, namespace };
}

export function attribute(labels: Labels, config: AttributionConfig = DEFAULT_ATTRIBUTION): Attribution {
  const namespace = lookup(labels, config.namespaceLabels) ?? config.defaultNamespace;
  const playId = lookup(labels, config.playIdLabels);
  const out: Attribution = { target: playId ? sessionTarget(playId, namespace) : platformTarget(namespace) };
  const agent = lookup(labels, config.agentLabels);
  const taskId = lookup(labels, config.taskIdLabels);
  const pod = lookup(labels, config.podLabels);
  const coderun = lookup(labels, config.coderunLabels);
  if (agent) out.agent = agent.toLowerCase();
  if (taskId) out.taskId = taskId;
  if (pod) out.pod = pod;
  if (coderun) out.coderun = coderun;
  return out;
}
