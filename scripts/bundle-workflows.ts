// Pre-builds the workflow bundle so production workers load it instead of bundling at start.
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { bundleWorkflowCode } from '@temporalio/worker';
import { projectRoot } from '../runtime/paths';

export const workflowBundlePath = (): string => join(projectRoot(), 'dist', 'workflow-bundle.js');

async function main(): Promise<void> {
  const { code } = await bundleWorkflowCode({ workflowsPath: require.resolve('../workflows') });
  mkdirSync(dirname(workflowBundlePath()), { recursive: true });
  writeFileSync(workflowBundlePath(), code);
}

if (require.main === module) {
  main().catch((error) => {
    console.error(error);
    process.exit(1);
  });
}
