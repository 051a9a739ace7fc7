// The pre-built workflow bundle: production workers load it instead of bundling at start.
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { bundleWorkflowCode } from '@temporalio/worker';
import { projectRoot } from './paths';

export const workflowBundlePath = (): string => join(projectRoot(), 'dist', 'workflow-bundle.js');

export async function writeWorkflowBundle(path = workflowBundlePath()): Promise<void> {
  const { code } = await bundleWorkflowCode({ workflowsPath: require.resolve('../workflows') });
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, code);
}
