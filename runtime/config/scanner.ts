// The scanner's settings from the environment: which sources it follows and how it attributes lines.
import { join } from 'node:path';
import { DEFAULT_ATTRIBUTION_LABELS } from '../../core/contract/ids';
import type { EnvReader } from './reader';
import type { ScannerSettings } from './types';

export function readScanner(r: EnvReader, shared: { stateDir: string; namespace: string }): ScannerSettings {
  const labelSelector = r.raw('HEALER_SCANNER_LABEL_SELECTOR');
  const logFile = r.raw('HEALER_LOG_FILE');
  const d = DEFAULT_ATTRIBUTION_LABELS;
  return {
    stateDir: r.string('HEALER_SCANNER_STATE_DIR', join(shared.stateDir, 'scanner')),
    namespace: r.k8sNamespace('HEALER_SCANNER_NAMESPACE', shared.namespace),
    ...(labelSelector ? { labelSelector } : {}),
    coderunVersion:
      r.matching('HEALER_CODERUN_VERSION', /^v\d+((alpha|beta)\d+)?$/, 'a version like v1 or v1beta1') ?? 'v1',
    podLogs: r.bool('HEALER_SCANNER_POD_LOGS', true),
    ...(logFile ? { logFile } : {}),
    logLabels: r.pairs('HEALER_LOG_LABELS'),
    labels: {
      playIdLabels: r.list('HEALER_LABEL_PLAY_ID', d.playIdLabels),
      taskIdLabels: r.list('HEALER_LABEL_TASK_ID', d.taskIdLabels),
      agentLabels: r.list('HEALER_LABEL_AGENT', d.agentLabels),
      coderunLabels: r.list('HEALER_LABEL_CODERUN', d.coderunLabels),
      podLabels: r.list('HEALER_LABEL_POD', d.podLabels),
      namespaceLabels: r.list('HEALER_LABEL_NAMESPACE', d.namespaceLabels),
    },
  };
}
