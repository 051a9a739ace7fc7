// Remediation effects. `patch` mode: read the affected files, then (after the model answered) re-check the
// path policy and commit the edits on `healer/<incident>` with a PR `Fixes #N`. `coderun` mode: create a
// remediation CodeRun (agents.platform) for a coding agent, idempotent by a name derived from the incident.
import { createHash } from 'node:crypto';
import { ApplicationFailure } from '@temporalio/common';
import type { CustomObjectsApi } from '@kubernetes/client-node';
import { checkEditPaths, pathViolation, type PathPolicy } from '../../core/incident/path-policy';
import { REMEDIATION_SYSTEM, remediationPrompt } from '../../core/incident/prompts';
import { prBody, prTitle, remediationBranch } from '../../core/incident/render';
import type { Evaluation, RemediationPatch } from '../../core/incident/schemas';
import { redact } from '../../core/detection/redact';
import type { GitHubActivities, IssueRef, PullRef } from './github';
import { CODERUN_GROUP, CODERUN_PLURAL } from './context';
import { heartbeating } from '../heartbeat';

export interface RemediationDeps {
  github: GitHubActivities;
  kube?: { custom: CustomObjectsApi; coderunVersion?: string } | null;
}

export interface CodeRunRequest {
  incidentId: string;
  playId: string;
  namespace: string;
  repo: string;
  service?: string;
  issue: IssueRef;
  evaluation: Evaluation;
  round: number;
  ciFailure?: string;
  policy: PathPolicy;
}

/** A checked model patch on its way to a PR. */
export interface PatchToPublish {
  incidentId: string;
  repo: string;
  code: string;
  summary: string;
  issue: IssueRef;
  patch: RemediationPatch;
  round: number;
  /** Re-checked before anything is written. */
  policy: PathPolicy;
  /** Commit on this existing branch (the agent's PR branch) instead of `healer/<incident>`. */
  branch?: string;
}

const MAX_FILE_BYTES = 24_000;

/** CodeRun names are DNS labels: a readable prefix and a hash of the incident id (and round). */
export function codeRunName(incidentId: string, round: number): string {
  return `healer-${createHash('sha256').update(incidentId).digest('hex').slice(0, 16)}-r${round}`;
}

const statusOf = (e: unknown): number | undefined =>
  (e as { code?: number; statusCode?: number })?.code ?? (e as { statusCode?: number })?.statusCode;

export function createRemediationActivities(deps: RemediationDeps) {
  const kubeOrFail = () => {
    if (!deps.kube)
      throw ApplicationFailure.nonRetryable(
        'coderun mode needs Kubernetes (KUBECONFIG or in-cluster)',
        'KubernetesNotConfigured',
      );
    return deps.kube;
  };
  const kubeFailure = (what: string, e: unknown): Error => {
    const status = statusOf(e);
    const msg = `${what}: ${status ?? ''} ${redact((e as Error).message ?? String(e)).slice(0, 300)}`;
    return status !== undefined && status >= 400 && status < 500 && status !== 429 && status !== 408
      ? ApplicationFailure.nonRetryable(msg, 'KubernetesRejected')
      : ApplicationFailure.retryable(msg, 'KubernetesUnavailable');
  };

  // Heartbeats while each step runs (GitHub reads, Kubernetes): a worker killed mid-step is noticed within the heartbeat timeout.
  return heartbeating({
    /** The remediation prompt: issue, analysis, CI feedback and the allowed affected files' current content. */
    async preparePatchPrompt(input: {
      incidentId: string;
      repo: string;
      issueTitle: string;
      /** The issue as written for people (analysis, evidence, log window): what the model reads. */
      issueBody?: string;
      evaluation: Evaluation;
      round: number;
      ciFailure?: string;
      policy: PathPolicy;
      /** The branch the fix goes on (default `healer/<incident>`), e.g. the agent's PR branch for a CI failure. */
      branch?: string;
    }): Promise<{ system: string; prompt: string }> {
      // Forbidden files are not even shown to the model.
      const paths = input.evaluation.affectedFiles
        .filter((p) => pathViolation(p, input.policy) === undefined)
        .slice(0, 8);
      const branch = input.branch ?? remediationBranch(input.incidentId);
      // An existing branch (the agent's) already holds the code that failed; Healer's own starts from the default.
      const fromBranch =
        input.round > 1 || input.branch !== undefined
          ? await deps.github
              .readFiles({ repo: input.repo, paths, ref: branch, maxBytes: MAX_FILE_BYTES })
              .catch(() => null)
          : null;
      const files = fromBranch ?? (await deps.github.readFiles({ repo: input.repo, paths, maxBytes: MAX_FILE_BYTES }));
      return {
        system: REMEDIATION_SYSTEM,
        prompt: remediationPrompt(
          input.issueTitle,
          input.evaluation,
          files,
          input.ciFailure,
          input.round,
          input.issueBody,
        ),
      };
    },

    /**
     * Commits a model patch and opens (or finds) the PR. Re-checks the path policy: nothing forbidden is written.
     * Incidents now run these GitHub effects as separate activities (workflows/incident/patch-effects.ts);
     * this one stays for incidents that scheduled it before that change.
     */
    async applyPatch(input: PatchToPublish): Promise<{ pr: PullRef; changed: string[] }> {
      const violations = checkEditPaths(input.patch.edits, input.policy);
      if (violations.length > 0) {
        throw ApplicationFailure.nonRetryable(
          `patch touches forbidden paths: ${violations.map((v) => `${v.path} (${v.reason})`).join(', ')}`,
          'ForbiddenPath',
        );
      }
      const branch = input.branch ?? remediationBranch(input.incidentId);
      await deps.github.ensureBranch({ incidentId: input.incidentId, repo: input.repo, branch });
      const message = `healer: ${redact(input.patch.summary).slice(0, 72)} (round ${input.round})`;
      const { changed } = await deps.github.commitFiles({
        incidentId: input.incidentId,
        repo: input.repo,
        branch,
        edits: input.patch.edits,
        message,
      });
      const pr = await deps.github.findOrOpenPullRequest({
        incidentId: input.incidentId,
        repo: input.repo,
        branch,
        title: prTitle(input.code, input.summary),
        body: prBody(input.incidentId, input.issue.number, input.patch.explanation, input.patch.edits),
      });
      return { pr, changed };
    },

    /** Creates the round's remediation CodeRun unless it exists (409 → already there). */
    async createRemediationCodeRun(input: CodeRunRequest): Promise<{ name: string; created: boolean }> {
      const kube = kubeOrFail();
      const name = codeRunName(input.incidentId, input.round);
      const version = kube.coderunVersion ?? 'v1';
      const base = { group: CODERUN_GROUP, version, namespace: input.namespace, plural: CODERUN_PLURAL };
      try {
        await kube.custom.getNamespacedCustomObject({ ...base, name });
        return { name, created: false };
      } catch (e) {
        if (statusOf(e) !== 404) throw kubeFailure('get CodeRun', e);
      }
      const prompt = [
        `Fix Healer incident ${input.incidentId} (issue ${input.issue.url ?? input.issue.title}).`,
        `Root cause: ${input.evaluation.rootCause}`,
        `Suggested fix: ${input.evaluation.suggestedFix}`,
        input.ciFailure ? `The previous attempt failed CI:\n${input.ciFailure}` : '',
        `Push to branch ${remediationBranch(input.incidentId)} and open a PR whose body contains "Fixes #${input.issue.number ?? '?'}".`,
        input.policy.allow.length > 0 ? `Change only: ${input.policy.allow.join(', ')}.` : '',
        `Do not modify: ${input.policy.deny.join(', ')}.`,
      ]
        .filter(Boolean)
        .join('\n');
      const body = {
        apiVersion: `${CODERUN_GROUP}/${version}`,
        kind: 'CodeRun',
        metadata: {
          name,
          namespace: input.namespace,
          labels: {
            'app.kubernetes.io/managed-by': 'healer',
            'healer/incident': name.slice(0, 63),
            'play-id': input.playId.slice(0, 63).replace(/[^A-Za-z0-9._-]/g, '-'),
          },
          annotations: { 'healer/incident-id': input.incidentId },
        },
        spec: {
          runType: 'remediation',
          service: input.service ?? '',
          repositoryUrl: `https://github.com/${input.repo}`,
          branch: remediationBranch(input.incidentId),
          issueNumber: input.issue.number,
          prompt: redact(prompt),
        },
      };
      try {
        await kube.custom.createNamespacedCustomObject({ ...base, body });
        return { name, created: true };
      } catch (e) {
        if (statusOf(e) === 409) return { name, created: false };
        throw kubeFailure('create CodeRun', e);
      }
    },

    /** The CodeRun's phase (`Succeeded`, `Failed`, …; `Unknown` when it has none yet, `Missing` when gone). */
    async codeRunPhase(input: { namespace: string; name: string }): Promise<string> {
      const kube = kubeOrFail();
      try {
        const obj = (await kube.custom.getNamespacedCustomObject({
          group: CODERUN_GROUP,
          version: kube.coderunVersion ?? 'v1',
          namespace: input.namespace,
          plural: CODERUN_PLURAL,
          name: input.name,
        })) as {
          status?: { phase?: string };
        };
        return obj.status?.phase ?? 'Unknown';
      } catch (e) {
        if (statusOf(e) === 404) return 'Missing';
        throw kubeFailure('get CodeRun', e);
      }
    },
  });
}

export type RemediationActivities = ReturnType<typeof createRemediationActivities>;
