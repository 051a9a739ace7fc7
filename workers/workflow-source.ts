// Where a worker gets its workflow code, and what a started worker hands back. Kept apart from the main
// worker so the LLM worker, which runs the entity workflows too, does not load the main worker's
// activities (Octokit, the Kubernetes client) at every start.
import { existsSync } from 'node:fs';
import type { Worker, WorkerOptions } from '@temporalio/worker';
import { workflowBundlePath } from '../runtime/workflow-bundle';
import { activeTracing } from '../runtime/tracing';

/** Production loads the pre-built bundle (`npm run build`; the traced one when tracing is on); from source, bundle at start. */
export function workflowSource(): Pick<WorkerOptions, 'workflowBundle' | 'workflowsPath'> {
  const bundle = workflowBundlePath(activeTracing().enabled);
  if (existsSync(bundle) && __filename.endsWith('.js')) return { workflowBundle: { codePath: bundle } };
  return { workflowsPath: require.resolve('../workflows') };
}

export interface RunningWorker {
  worker: Worker;
  /** Resolves when the worker has drained and stopped (SIGINT/SIGTERM or shutdown()). */
  done: Promise<void>;
}
