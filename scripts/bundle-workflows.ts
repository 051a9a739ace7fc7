// `npm run build` step: writes the workflow bundle that production workers load.
import { writeWorkflowBundle } from '../runtime/workflow-bundle';

writeWorkflowBundle().catch((error) => {
  console.error(error);
  process.exit(1);
});
