// The pre-built workflow bundles: production workers load one instead of bundling at start. Both carry
// Healer's metric interceptors; the traced one adds OpenTelemetry's workflow interceptors and is loaded
// only when tracing is on (so tracing off adds no span work to any workflow task).
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { bundleWorkflowCode } from '@temporalio/worker';
import { projectRoot } from './paths';

/** Workflow interceptors (metrics through sinks) in every bundle; workers/observability.ts registers the sinks. */
export const WORKFLOW_INTERCEPTOR_MODULES: string[] = [require.resolve('../workflows/observability/interceptors')];

/** Plus OpenTelemetry's: spans for workflow runs, signals, child workflows and activities (its `exporter` sink). */
export const TRACED_WORKFLOW_INTERCEPTOR_MODULES: string[] = [
  ...WORKFLOW_INTERCEPTOR_MODULES,
  require.resolve('@temporalio/interceptors-opentelemetry/lib/workflow-interceptors'),
];

export const workflowBundlePath = (traced = false): string =>
  join(projectRoot(), 'dist', traced ? 'workflow-bundle-traced.js' : 'workflow-bundle.js');

export async function writeWorkflowBundle(path = workflowBundlePath(), traced = false): Promise<void> {
  const { code } = await bundleWorkflowCode({
    workflowsPath: require.resolve('../workflows'),
    workflowInterceptorModules: traced ? TRACED_WORKFLOW_INTERCEPTOR_MODULES : WORKFLOW_INTERCEPTOR_MODULES,
  });
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, code);
}

/** `npm run build`: both bundles. */
export async function writeWorkflowBundles(): Promise<void> {
  await writeWorkflowBundle(workflowBundlePath(false), false);
  await writeWorkflowBundle(workflowBundlePath(true), true);
}
