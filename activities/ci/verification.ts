// What the healing chain reads from GitHub Actions for a CI incident: the failed job's log window and the
// PR's diff (its context, stored outside workflow history like every incident's), and the verdict of a
// later run of the same workflow (its verification).
import { redact } from '../../core/detection/redact';
import type { CiFailureRef, Detection } from '../../core/contract';
import { classifyJobLog } from '../../core/ci/classify';
import { jobLogLines, logWindow } from '../../core/ci/job-log';
import { firstFailedStep, isFailedConclusion, type CiRunSummary } from '../../core/ci/run';
import type { CiState } from '../../core/incident/ci';
import { createEvidenceStore, type ContextRef } from '../incident/context';
import type { ActionsReader } from './actions';

const MAX_EXCERPT_LINES = 60;
const MAX_LINE = 300;
const MAX_DIFF_CHARS = 6000;
/** Failed jobs whose decisive line is fed back to the next remediation round. */
const MAX_FEEDBACK_JOBS = 3;

export interface CiVerificationDeps {
  reader: ActionsReader;
  stateDir: string;
}

export function createCiVerificationActivities(deps: CiVerificationDeps) {
  const store = createEvidenceStore(deps.stateDir);

  /** A run's verdict; a failure lists each failed job with the line that decided it. */
  async function verdictOf(repo: string, run: CiRunSummary | undefined): Promise<CiState & { runNumber?: number }> {
    if (!run) return { verdict: 'pending', failures: [], total: 0 };
    if (run.status !== 'completed') return { verdict: 'pending', failures: [], total: 1, runNumber: run.runNumber };
    if (!isFailedConclusion(run.conclusion))
      return {
        verdict: run.conclusion === 'success' ? 'success' : 'none',
        failures: [],
        total: 1,
        runNumber: run.runNumber,
      };
    const jobs = (await deps.reader.listJobs(repo, run.id, run.attempt)).filter((job) =>
      isFailedConclusion(job.conclusion),
    );
    const failures: string[] = [];
    for (const job of jobs.slice(0, MAX_FEEDBACK_JOBS)) {
      const step = firstFailedStep(job);
      const lines = jobLogLines((await deps.reader.jobLog(repo, job.id)) ?? '');
      const decided = classifyJobLog(lines, step, job.name);
      failures.push(
        redact(
          `${run.workflowName} / ${job.name}${step ? ` › ${step}` : ''}: ${decided.code} ${decided.line.trim()}`,
        ).slice(0, 500),
      );
    }
    if (jobs.length === 0) failures.push(`${run.workflowName}: ${run.conclusion}`);
    return { verdict: 'failure', failures, total: jobs.length, runNumber: run.runNumber };
  }

  return {
    /** The failed job's log window and the PR diff, stored in full; the workflow keeps a bounded excerpt. */
    async gatherCiContext(input: {
      incidentId: string;
      detection: Detection;
      evidence?: Detection[];
    }): Promise<ContextRef> {
      const ci = input.detection.ci as CiFailureRef;
      const errors: string[] = [];
      let window: string[] = [];
      try {
        const lines = jobLogLines((await deps.reader.jobLog(ci.repo, ci.jobId)) ?? '');
        window = logWindow(lines, Math.max(0, (ci.logLine ?? lines.length) - 1)).map(redact);
      } catch (error) {
        errors.push(`job log: ${(error as Error).message.slice(0, 200)}`);
      }
      let diff: string | undefined;
      if (ci.pullRequest) {
        try {
          diff = redact((await deps.reader.pullRequestDiff(ci.repo, ci.pullRequest.number)) ?? '') || undefined;
        } catch (error) {
          errors.push(`PR diff: ${(error as Error).message.slice(0, 200)}`);
        }
      }
      const ref = await store.write(input.incidentId, 'context.json', {
        incidentId: input.incidentId,
        gatheredAt: new Date().toISOString(),
        detection: { ...input.detection, line: redact(input.detection.line) },
        logWindow: window,
        pullRequestDiff: diff,
        errors,
      });
      const notes = [
        `run ${ci.runUrl ?? ci.runId} attempt ${ci.runAttempt}, job ${ci.jobName}${ci.failedStep ? `, failed step ${ci.failedStep}` : ''}`,
        `branch ${ci.headBranch} at ${ci.headSha.slice(0, 12)}${ci.pullRequest ? `, PR #${ci.pullRequest.number}` : ''}`,
        ...(input.evidence ?? []).slice(-3).map((later) => `again: ${later.line}`),
        ...errors.map((error) => `unavailable: ${error}`),
      ];
      return {
        ref,
        excerpt: window.map((line) => line.slice(0, MAX_LINE)).slice(-MAX_EXCERPT_LINES),
        notes: notes.map((note) => redact(note).slice(0, MAX_LINE)),
        logLines: window.length,
        ...(diff
          ? { diff: diff.length > MAX_DIFF_CHARS ? `${diff.slice(0, MAX_DIFF_CHARS)}\n… (diff truncated)` : diff }
          : {}),
      };
    },

    /** The verdict of the workflow's newest run on `headSha` (pending until GitHub has one and it completed). */
    async ciWorkflowRunState(input: { repo: string; workflowId: number; headSha: string }): Promise<CiState> {
      const [run] = await deps.reader.listRuns(input.repo, {
        workflowId: input.workflowId,
        headSha: input.headSha,
        limit: 1,
        perPage: 1,
      });
      return verdictOf(input.repo, run);
    },

    /** The verdict of the workflow's newest run on `branch` after run `afterRunId` (someone pushed a fix). */
    async nextCiRunState(input: {
      repo: string;
      workflowId: number;
      branch: string;
      afterRunId: number;
    }): Promise<CiState & { runNumber?: number }> {
      const runs = await deps.reader.listRuns(input.repo, {
        workflowId: input.workflowId,
        branch: input.branch,
        limit: 10,
        perPage: 10,
      });
      // Run ids grow with time: a larger id is a later run.
      const newest = runs.filter((run) => run.id > input.afterRunId).sort((a, b) => b.id - a.id)[0];
      return verdictOf(input.repo, newest);
    },
  };
}

export type CiVerificationActivities = ReturnType<typeof createCiVerificationActivities>;
