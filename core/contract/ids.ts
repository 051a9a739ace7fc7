// Workflow ids, task queues and default names: the names users, dashboards and tools depend on.

export const TASK_QUEUE = 'healer';
export const LLM_TASK_QUEUE = 'healer-llm';
export const WATCHDOG_TASK_QUEUE = 'healer-watchdog';

export const sessionWorkflowId = (playId: string): string => `play-${playId}`;
export const incidentWorkflowId = (playId: string, fingerprint: string): string => `incident-${playId}-${fingerprint}`;
export const watchdogWorkflowId = (namespace: string): string => `watchdog-${namespace}`;
export const platformWorkflowId = (k8sNamespace: string): string => `platform-${k8sNamespace}`;
/** Platform sessions collect detections that belong to no play session; their play id carries this prefix. */
export const PLATFORM_PLAY_ID_PREFIX = 'platform-';

/** The Kubernetes namespace Healer watches when none is configured; names the watchdog `watchdog-cto`. */
export const DEFAULT_K8S_NAMESPACE = 'cto';
/** The model gateway's breakers and chain report: one entity workflow for every LLM worker. */
export const MODEL_HEALTH_WORKFLOW_ID = 'healer-model-health';
/** The model budget's ledger of one UTC day (`YYYY-MM-DD`). */
export const budgetWorkflowId = (day: string, prefix = 'healer-budget-'): string => `${prefix}${day}`;
/** The LogQL stream selector the scanner follows when none is configured. */
export const DEFAULT_LOKI_QUERY = `{namespace="${DEFAULT_K8S_NAMESPACE}"}`;

/** Label names (Kubernetes, Loki, pushed lines) a line's play session, task, agent … are read from. */
export interface AttributionLabels {
  playIdLabels: string[];
  taskIdLabels: string[];
  agentLabels: string[];
  coderunLabels: string[];
  podLabels: string[];
  namespaceLabels: string[];
}

/** The labels the platform puts on agent pods and log streams, used when none are configured. */
export const DEFAULT_ATTRIBUTION_LABELS: Readonly<AttributionLabels> = {
  playIdLabels: ['play-id'],
  taskIdLabels: ['task-id'],
  agentLabels: ['agent'],
  coderunLabels: ['coderun'],
  podLabels: ['pod'],
  namespaceLabels: ['namespace'],
};
