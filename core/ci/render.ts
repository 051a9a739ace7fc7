// Text Healer writes to GitHub about a CI failure (redacted; the hidden marker makes each comment findable).
import type { CiFailureRef } from '../contract';
import { redact } from '../detection/redact';
import { commentMarker } from '../incident/render';

/** The failure was fixed by a later push: the workflow's next run on the branch passed. */
export const ciVerifiedComment = (incidentId: string, failed: CiFailureRef): string =>
  redact(
    [
      `Healer saw **${failed.workflowName}** pass on \`${failed.headBranch}\` after it failed in job **${failed.jobName}**${failed.failedStep ? ` (step ${failed.failedStep})` : ''}. Closing this incident.`,
      commentMarker(incidentId, 'resolved'),
    ].join('\n'),
  );
