// `npm run build` step: writes the workflow bundles that production workers load (plain and traced).
import { writeWorkflowBundles } from '../runtime/workflow-bundle';

writeWorkflowBundles().catch((error) => {
  console.error(error);
  process.exit(1);
});
