// A failed GitHub Actions job as a detection: the decisive log line (redacted) with the job it came from,
// the C-code and a fingerprint that folds the same failure across pushes and matrix legs.
import type { CiFailureRef, Detection } from '../contract';
import { MAX_DETECTION_LINE } from '../detection/matcher';
import { redact } from '../detection/redact';
import type { CiClassification } from './classify';
import { ciFingerprint } from './fingerprint';
import { firstFailedStep, type CiJobSummary, type CiRunSummary } from './run';

export interface CiDetectionInput {
  repo: string;
  run: CiRunSummary;
  job: CiJobSummary;
  classification: CiClassification;
  pullRequest?: CiFailureRef['pullRequest'];
  /** When the job failed (the caller's clock: core/ has none). */
  observedAt: string;
}

export function ciDetection(input: CiDetectionInput): Detection {
  const { run, job, classification } = input;
  const failedStep = firstFailedStep(job);
  const ref: CiFailureRef = {
    repo: input.repo,
    runId: run.id,
    runAttempt: run.attempt,
    ...(run.url ? { runUrl: run.url } : {}),
    workflowId: run.workflowId,
    workflowName: run.workflowName,
    ...(run.workflowPath ? { workflowPath: run.workflowPath } : {}),
    jobId: job.id,
    jobName: job.name,
    ...(job.url ? { jobUrl: job.url } : {}),
    ...(failedStep ? { failedStep } : {}),
    headBranch: run.headBranch,
    headSha: run.headSha,
    ...(input.pullRequest ? { pullRequest: input.pullRequest } : {}),
    signature: classification.signature,
    logLine: classification.lineIndex + 1,
  };
  const where = `${run.workflowName} / ${job.name}${failedStep ? ` › ${failedStep}` : ''}`;
  const line = redact(`[CI ${where}] ${classification.line.trim()}`);
  return {
    code: classification.code,
    severity: classification.severity,
    priority: classification.priority,
    patternId: classification.patternId,
    fingerprint: ciFingerprint({
      repo: input.repo,
      workflow: run.workflowPath ?? run.workflowName,
      jobName: job.name,
      failedStep,
      signature: classification.signature,
    }),
    line: line.length > MAX_DETECTION_LINE ? `${line.slice(0, MAX_DETECTION_LINE - 1)}…` : line,
    source: 'github-actions',
    observedAt: input.observedAt,
    lineNumber: classification.lineIndex + 1,
    ci: ref,
  };
}
