// The CI intake's effects: read a failed run and its failed jobs' logs, classify each job, find the
// session (and task, agent) the run belongs to, and deliver the detections to that session as one
// `detections` batch. Every activity is a read or an idempotent signal (the batch id is the run attempt's).
import { Context } from '@temporalio/activity';
import type { Client } from '@temporalio/client';
import { searchAttributes, statusQuery, TASK_QUEUE, type Detection, type SessionView } from '../../core/contract';
import { attributeRun, type CiAttribution, type CiSessionCandidate } from '../../core/ci/attribution';
import { classifyJobLog } from '../../core/ci/classify';
import { ciDetection } from '../../core/ci/detection';
import { jobLogLines } from '../../core/ci/job-log';
import { firstFailedStep, isFailedConclusion, type CiRunSummary } from '../../core/ci/run';
import { fixedByLaterRun } from '../../core/ci/scope';
import { createTemporalDelivery } from '../../scanner/deliver';
import { platformTarget } from '../../scanner/attribution';
import type { ActionsReader } from './actions';

/** A run with dozens of failing matrix legs still makes one bounded batch. */
const MAX_FAILED_JOBS = 50;
/** Runs of the same workflow and branch looked at to see whether a later one already passed. */
const LATER_RUNS_LOOKED_AT = 20;

export interface CiIntakeDeps {
  reader: ActionsReader;
  /** Repositories watched besides those of active sessions. */
  watchRepos: readonly string[];
  /** Kubernetes namespace whose platform session gets CI failures no session claims. */
  namespace: string;
  /** Task queue platform sessions are started on (default `healer`). */
  taskQueue?: string;
  /** The Temporal client (default: the worker's, from the activity context). */
  client?: () => Client;
}

export interface AttributedRun {
  attribution: CiAttribution;
  pullRequest?: { number: number; title?: string; url?: string };
}

const workerClient = (): Client => Context.current().client;

export function createCiIntakeActivities(deps: CiIntakeDeps) {
  const client = deps.client ?? workerClient;

  /** The repository's active sessions, newest first (Temporal visibility, then each one's status query). */
  async function activeSessions(repo: string): Promise<CiSessionCandidate[]> {
    const query = `WorkflowType = 'playSession' AND ExecutionStatus = 'Running' AND ${searchAttributes.repository.name} = '${repo.replace(/'/g, '')}'`;
    const candidates: CiSessionCandidate[] = [];
    for await (const execution of client().workflow.list({ query, pageSize: 20 })) {
      const view = await client()
        .workflow.getHandle(execution.workflowId)
        .query(statusQuery)
        .catch((): SessionView | undefined => undefined);
      if (!view || view.status !== 'active') continue;
      candidates.push({
        playId: view.playId,
        workflowId: view.workflowId,
        startedAt: view.startedAt,
        tasks: view.tasks.map((task) => ({
          id: String(task.id),
          ...(task.agentHint ? { agentHint: task.agentHint } : {}),
        })),
        agents: view.agents.map((agent) => ({ name: agent.name })),
      });
      if (candidates.length >= 20) break;
    }
    return candidates;
  }

  return {
    /** The run as GitHub reports it now (null when it does not exist). */
    async describeCiRun(input: { repo: string; runId: number }): Promise<CiRunSummary | null> {
      return deps.reader.getRun(input.repo, input.runId);
    },

    /** The run number of a later passing run of the same workflow and branch, if one exists. */
    async laterCiRunFixed(input: { repo: string; run: CiRunSummary }): Promise<number | null> {
      const later = await deps.reader.listRuns(input.repo, {
        workflowId: input.run.workflowId,
        branch: input.run.headBranch,
        limit: LATER_RUNS_LOOKED_AT,
        perPage: LATER_RUNS_LOOKED_AT,
      });
      return fixedByLaterRun(input.run, later)?.runNumber ?? null;
    },

    /** Which session, task and agent the run belongs to, and its PR (number, title) when it has one. */
    async attributeCiRun(input: { repo: string; run: CiRunSummary }): Promise<AttributedRun> {
      const number = input.run.pullRequests[0];
      const pr = number !== undefined ? await deps.reader.pullRequest(input.repo, number) : null;
      const attribution = attributeRun(
        { headBranch: input.run.headBranch, ...(pr ? { pullRequestTitle: pr.title } : {}) },
        await activeSessions(input.repo),
      );
      return {
        attribution,
        ...(number !== undefined
          ? { pullRequest: { number, ...(pr ? { title: pr.title, ...(pr.url ? { url: pr.url } : {}) } : {}) } }
          : {}),
      };
    },

    /** One detection per failed job: its log downloaded, cleaned, classified and redacted. */
    async analyzeFailedCiJobs(input: {
      repo: string;
      run: CiRunSummary;
      attributed: AttributedRun;
    }): Promise<{ detections: Detection[]; failedJobs: number }> {
      const jobs = await deps.reader.listJobs(input.repo, input.run.id, input.run.attempt);
      const failed = jobs.filter((job) => isFailedConclusion(job.conclusion));
      const { attribution, pullRequest } = input.attributed;
      const detections: Detection[] = [];
      for (const job of failed.slice(0, MAX_FAILED_JOBS)) {
        Context.current().heartbeat({ job: job.id });
        const log = (await deps.reader.jobLog(input.repo, job.id)) ?? '';
        const classification = classifyJobLog(jobLogLines(log), firstFailedStep(job), job.name);
        const detection = ciDetection({
          repo: input.repo,
          run: input.run,
          job,
          classification,
          ...(pullRequest ? { pullRequest } : {}),
          observedAt: new Date().toISOString(),
        });
        if (attribution.kind === 'session') {
          if (attribution.agent) detection.agent = attribution.agent;
          if (attribution.taskId) detection.taskId = attribution.taskId;
        }
        detections.push(detection);
      }
      return { detections, failedJobs: failed.length };
    },

    /** Signals the batch to its session (the platform session when none claims it, or it has ended). */
    async deliverCiDetections(input: {
      attribution: CiAttribution;
      batchId: string;
      detections: Detection[];
    }): Promise<{ workflowId: string }> {
      const platform = platformTarget(deps.namespace);
      const target =
        input.attribution.kind === 'session'
          ? {
              kind: 'session' as const,
              workflowId: input.attribution.workflowId,
              playId: input.attribution.playId,
              namespace: deps.namespace,
            }
          : platform;
      let delivered = target.workflowId;
      const deliver = createTemporalDelivery(client(), {
        taskQueue: deps.taskQueue ?? TASK_QUEUE,
        // Called only when the session is gone and the batch goes to the platform session instead.
        log: () => (delivered = platform.workflowId),
      });
      await deliver(target, { batchId: input.batchId, detections: input.detections });
      return { workflowId: delivered };
    },

    /** Failed runs of the repository created at or after `since`, oldest first (for the poller). */
    async listFailedCiRuns(input: { repo: string; since: string }): Promise<CiRunSummary[]> {
      const byId = new Map<number, CiRunSummary>();
      for (const status of ['failure', 'timed_out']) {
        for (const run of await deps.reader.listRuns(input.repo, { status, createdSince: input.since, limit: 200 }))
          byId.set(run.id, run);
      }
      return [...byId.values()].sort((a, b) => (a.createdAt < b.createdAt ? -1 : a.createdAt > b.createdAt ? 1 : 0));
    },

    /** Whether the repository is still Healer's business: listed in HEALER_WATCH_REPOS, or an active session's. */
    async isCiRepoWatched(input: { repo: string }): Promise<boolean> {
      if (deps.watchRepos.some((repo) => repo.toLowerCase() === input.repo.toLowerCase())) return true;
      return (await activeSessions(input.repo)).length > 0;
    },
  };
}

export type CiIntakeActivities = ReturnType<typeof createCiIntakeActivities>;
