// incident: one durable healing chain per failure fingerprint (`incident-<play_id>-<fingerprint>`).
// The body reads like the runbook: gather → evaluate → open issue → (human gate) → remediate → verify CI
// → resolve or escalate. Every effect is an idempotent activity; retries and timeouts live on the proxies.
import {
  ActivityFailure,
  ApplicationFailure,
  condition,
  getExternalWorkflowHandle,
  isCancellation,
  log,
  ParentClosePolicy,
  proxyActivities,
  setCurrentDetails,
  setHandler,
  sleep,
  upsertSearchAttributes,
  workflowInfo,
  type ChildWorkflowOptions,
} from '@temporalio/workflow';
import type { GitHubActivities, IssueRef, PullRef } from '../../activities/incident/github';
import type { ContextActivities, ContextRef } from '../../activities/incident/context';
import type { NotifyActivities } from '../../activities/incident/notify';
import type { RemediationActivities } from '../../activities/incident/remediation';
import type { CiState } from '../../core/incident/ci';
import { checkEditPaths } from '../../core/incident/path-policy';
import { EVALUATION_SYSTEM, evaluationPrompt } from '../../core/incident/prompts';
import {
  ciFailureComment,
  discordMessage,
  escalationComment,
  issueBody,
  issueLabels,
  issueTitle,
  NEEDS_HUMAN_LABEL,
  proposalComment,
  rejectedComment,
  remediationBranch,
  resolvedComment,
} from '../../core/incident/render';
import { evaluateByRules } from '../../core/incident/rule-evaluator';
import {
  checkEvaluation,
  checkPatch,
  EVALUATION_SCHEMA,
  PATCH_SCHEMA,
  type Evaluation,
} from '../../core/incident/schemas';
import { parseIncidentSettings, type IncidentSettings } from '../../core/incident/settings';
import { redact } from '../../core/detection/redact';
import type { StructuredRequest, StructuredResult } from '../../core/model/request';
import { generateStructuredOptions } from '../../core/model/activity-options';
import { occurrencesOf, type Detection } from '../../core/contract';
import {
  approveUpdate,
  evidenceSignal,
  incidentWorkflowId,
  LLM_TASK_QUEUE,
  rejectUpdate,
  searchAttributes,
  TASK_QUEUE,
} from '../../core/contract';
import { incidentStatusQuery, incidentUpdateSignal, type IncidentInput, type IncidentView } from '../../core/contract';
import type { IncidentSummary } from '../../core/contract';

export type { IncidentInput, IncidentView } from '../../core/contract';

// ── activities, with their retry and timeout policies ─────────────────────────────────────────────────

const github = proxyActivities<GitHubActivities>({
  // Single REST calls (or a few pages): a lost worker is noticed after this long.
  startToCloseTimeout: '30 seconds',
  retry: {
    initialInterval: '1 second',
    backoffCoefficient: 2,
    maximumInterval: '2 minutes',
    maximumAttempts: 12,
    nonRetryableErrorTypes: ['GitHubRejected', 'GitHubBadRepository', 'HealerBug'],
  },
});
const context = proxyActivities<ContextActivities>({ startToCloseTimeout: '2 minutes', retry: { maximumAttempts: 3 } });
const remediation = proxyActivities<RemediationActivities>({
  startToCloseTimeout: '5 minutes',
  retry: {
    initialInterval: '1 second',
    maximumInterval: '1 minute',
    maximumAttempts: 8,
    nonRetryableErrorTypes: ['ForbiddenPath', 'GitHubRejected', 'KubernetesRejected', 'KubernetesNotConfigured'],
  },
});
const notify = proxyActivities<NotifyActivities>({
  startToCloseTimeout: '30 seconds',
  // Discord's 429s set the delay (nextRetryDelay); the policy only bounds how long we keep trying.
  retry: {
    initialInterval: '1 second',
    maximumInterval: '1 minute',
    maximumAttempts: 10,
    nonRetryableErrorTypes: ['DiscordRejected'],
  },
});
type ModelGateway = { generateStructured(request: StructuredRequest): Promise<StructuredResult<unknown>> };
// The gateway's own scheduling contract (its chain ends itself with a result at its deadline).
const modelOn = (taskQueue: string) => proxyActivities<ModelGateway>({ ...generateStructuredOptions(), taskQueue });

// ── child start options (for the session) ─────────────────────────────────────────────────────────────

/** How the session starts an incident child: fixed id, outlives its parent, findable in the UI. */
export function incidentChildOptions(
  input: IncidentInput,
  taskQueue = TASK_QUEUE,
): ChildWorkflowOptions & { workflowId: string; args: [IncidentInput] } {
  const d = input.detection;
  return {
    workflowId: incidentWorkflowId(input.playId, d.fingerprint),
    taskQueue,
    args: [input],
    // The incident finishes its healing even when the session ends or continues-as-new.
    parentClosePolicy: ParentClosePolicy.ABANDON,
    staticSummary: `Incident ${d.code} (${d.severity}) in ${input.playId}: ${redact(d.line).slice(0, 120)}`,
    typedSearchAttributes: [
      { key: searchAttributes.playId, value: input.playId },
      { key: searchAttributes.repository, value: input.repository },
      { key: searchAttributes.status, value: 'open' },
      { key: searchAttributes.alertCodes, value: [d.code] },
      { key: searchAttributes.severity, value: d.severity },
    ],
  };
}

// ── the workflow ──────────────────────────────────────────────────────────────────────────────────────

const MAX_EVENTS = 50;
const MAX_EVIDENCE = 20;

type Verdict = { decision: 'approved' | 'rejected'; by?: string; comment?: string };
type RoundResult = { ok: true; pr: PullRef } | { ok: false; reason: string; fatal?: boolean };

export async function incident(input: IncidentInput): Promise<IncidentView> {
  const id = workflowInfo().workflowId;
  const d = input.detection;
  const { settings, warnings } = parseIncidentSettings(input.remediation);
  const model = modelOn(input.llmTaskQueue ?? LLM_TASK_QUEUE);
  const evidence: Detection[] = [];
  let verdict: Verdict | undefined;
  let lastHeadSha: string | undefined;
  let publishedStatus: string | undefined;
  let publishedSummary = '';
  let parentSignal: Promise<void> = Promise.resolve();
  const parent = workflowInfo().parent;
  const now = (): number => new Date().getTime();

  const view: IncidentView = {
    id,
    code: d.code,
    severity: d.severity,
    fingerprint: d.fingerprint,
    occurrences: occurrencesOf(d),
    step: 'gathering',
    status: 'open',
    playId: input.playId,
    repository: input.repository,
    round: 0,
    maxIterations: settings.maxIterations,
    mode: settings.mode,
    dryRun: false,
    events: [],
    settingsWarnings: warnings,
  };

  // ── messages ──
  setHandler(incidentStatusQuery, () => view);
  setHandler(evidenceSignal, ({ detections }) => {
    view.occurrences += detections.reduce((n, e) => n + occurrencesOf(e), 0);
    evidence.push(...detections);
    evidence.splice(0, Math.max(0, evidence.length - MAX_EVIDENCE));
    publish();
  });
  const decide = (decision: Verdict['decision']) => (a: { by?: string; comment?: string }) => {
    // A decision counts while the gate is open or still ahead; the first one wins.
    const accepted =
      settings.requireApproval &&
      verdict === undefined &&
      view.status === 'open' &&
      !['remediating', 'verifying', 'resolving', 'escalating'].includes(view.step);
    if (accepted) verdict = { decision, by: a.by, comment: a.comment };
    return { accepted, step: view.step };
  };
  setHandler(approveUpdate, decide('approved'));
  setHandler(rejectUpdate, decide('rejected'));

  // ── the runbook ──
  try {
    return await runbook();
  } catch (e) {
    // Cancellation (or a bug in the workflow itself) is not an incident outcome: let Temporal record it.
    if (isCancellation(e) || !(e instanceof ActivityFailure)) throw e;
    // An effect failed for good (e.g. GitHub refused the token or the repository): say so and tell humans.
    const reason = `${view.step} failed: ${messageOf(e)}`;
    await tellDiscord('escalated', reason);
    return finish('failed', reason);
  }

  async function runbook(): Promise<IncidentView> {
    step('gathering', `detected ${d.code} (${d.priority}) from ${d.source}`);
    const ctx = await gatherContext();
    step('evaluating', 'asking the model for an analysis');
    const evaluation = await evaluate(ctx);
    step('opening-issue', `${evaluation.category}: ${evaluation.summary}`);
    const issue = await openIssue(evaluation, ctx);
    if (d.priority === 'P0' || d.priority === 'P1') await tellDiscord('detected', '');

    const modelMissing = view.evaluatedBy?.startsWith('rules (no-key') ?? false;
    if (settings.mode === 'patch' && modelMissing) {
      // Without a model Healer cannot write a patch: it proposes the fix and hands over to a human.
      await github.commentOnce({
        incidentId: id,
        issue,
        kind: 'proposal',
        body: proposalComment(
          id,
          evaluation,
          'No model is configured (GEMINI_API_KEY unset), so Healer proposes this fix instead of patching.',
        ),
      });
      return escalate(issue, 'no model configured: the rule-based fix was proposed on the issue, not applied');
    }

    if (settings.requireApproval) {
      const gate = await humanGate(settings);
      if (gate === 'timed-out') return escalate(issue, `no approval within ${settings.approvalTimeoutSecs} s`);
      if (gate === 'rejected') return reject(issue);
    }

    let feedback: string | undefined;
    let lastReason = 'no remediation round ran';
    for (let round = 1; round <= settings.maxIterations; round++) {
      view.round = round;
      step('remediating', `round ${round} (${settings.mode})`);
      const attempt =
        settings.mode === 'patch'
          ? await remediateByPatch(issue, evaluation, round, feedback)
          : await remediateByCodeRun(issue, evaluation, round, feedback);
      if (!attempt.ok) {
        lastReason = attempt.reason;
        feedback = attempt.reason;
        note(`round ${round} produced no usable fix: ${attempt.reason}`);
        if (attempt.fatal) break;
        continue;
      }
      view.pr = { number: attempt.pr.number, url: attempt.pr.url, title: attempt.pr.title, dryRun: attempt.pr.dryRun };
      step('verifying', `round ${round}: ${attempt.pr.dryRun ? 'dry-run PR recorded' : `PR #${attempt.pr.number}`}`);
      if (attempt.pr.dryRun) return resolve(issue, attempt.pr, 'dry run: the PR was recorded, CI was not run');
      const check = await verifyPullRequest(attempt.pr);
      if (!check.ok) {
        lastReason = feedback = check.reason;
        note(check.reason);
        continue;
      }
      const ci = await waitForCi(attempt.pr, check.headSha);
      if (ci.verdict === 'success') return resolve(issue, attempt.pr, 'CI passed');
      if (ci.verdict !== 'failure')
        return escalate(issue, `CI did not finish within ${settings.ciTimeoutSecs} s on ${attempt.pr.url ?? 'the PR'}`);
      lastReason = `CI failed in round ${round}: ${ci.failures.join('; ')}`;
      feedback = ci.failures.join('\n');
      await github.commentOnce({
        incidentId: id,
        issue,
        kind: `ci-failed-${round}`,
        body: ciFailureComment(id, round, feedback),
      });
    }
    return escalate(
      issue,
      `no passing fix after ${view.round} of ${settings.maxIterations} rounds; last: ${lastReason}`,
    );
  }

  // ── steps ──

  async function gatherContext(): Promise<ContextRef> {
    try {
      const ref = await context.gatherContext({
        incidentId: id,
        playId: input.playId,
        namespace: input.namespace,
        detection: d,
        evidence: [...evidence],
      });
      view.contextRef = ref.ref;
      return ref;
    } catch (e) {
      note(`context unavailable: ${messageOf(e)}`);
      return { ref: '', excerpt: [d.line], notes: [], logLines: 0 };
    }
  }

  async function evaluate(ctx: ContextRef): Promise<Evaluation> {
    let why: string;
    try {
      const answer = await model.generateStructured({
        purpose: 'evaluate',
        correlationId: id,
        system: EVALUATION_SYSTEM,
        prompt: evaluationPrompt(d, ctx.excerpt, ctx.notes),
        responseSchema: EVALUATION_SCHEMA,
      });
      if (answer.ok) {
        const checked = checkEvaluation(answer.value);
        if (checked.ok) {
          view.evaluatedBy = `model ${answer.model}`;
          // A model may echo anything: its text is redacted before it is stored, shown or posted.
          const e = checked.value;
          return (view.evaluation = {
            ...e,
            summary: redact(e.summary),
            rootCause: redact(e.rootCause),
            suggestedFix: redact(e.suggestedFix),
            affectedFiles: e.affectedFiles.map(redact),
          });
        }
        why = `model answer rejected: ${checked.errors.slice(0, 3).join('; ')}`;
      } else why = `${answer.reason}: ${answer.detail}`;
    } catch (e) {
      why = `gateway failed: ${messageOf(e)}`;
    }
    view.evaluatedBy = `rules (${redact(why).slice(0, 300)})`;
    note(`evaluated by rules because ${why}`);
    return (view.evaluation = evaluateByRules(d, ctx.excerpt));
  }

  async function openIssue(e: Evaluation, ctx: ContextRef): Promise<IssueRef> {
    const title = issueTitle(d.code, e.summary);
    const body = issueBody({
      incidentId: id,
      playId: input.playId,
      repository: input.repository,
      detection: d,
      evaluation: e,
      evaluatedBy: view.evaluatedBy ?? 'rules',
      logExcerpt: ctx.excerpt,
      sessionLink: input.sessionLink,
    });
    const issue = await github.findOrCreateIssue({
      incidentId: id,
      repo: input.repository,
      issuesRepo: settings.issuesRepo,
      title,
      body,
      labels: issueLabels(d.code, e.severity),
    });
    view.issue = { number: issue.number, url: issue.url, title: issue.title, dryRun: issue.dryRun };
    view.dryRun = issue.dryRun;
    note(
      issue.dryRun
        ? `dry run: issue "${issue.title}" recorded`
        : `issue #${issue.number} ${issue.created ? 'created' : 'found'}`,
    );
    return issue;
  }

  async function humanGate(s: IncidentSettings): Promise<'approved' | 'rejected' | 'timed-out'> {
    step('awaiting-approval', `waiting up to ${s.approvalTimeoutSecs} s for approve/reject`);
    const decided = await condition(() => verdict !== undefined, s.approvalTimeoutSecs * 1000);
    if (!decided) {
      view.approval = { decision: 'timed-out' };
      return 'timed-out';
    }
    view.approval = verdict;
    note(`${verdict!.decision}${verdict!.by ? ` by ${verdict!.by}` : ''}`);
    return verdict!.decision;
  }

  async function remediateByPatch(
    issue: IssueRef,
    e: Evaluation,
    round: number,
    ciFailure: string | undefined,
  ): Promise<RoundResult> {
    const prompt = await remediation.preparePatchPrompt({
      incidentId: id,
      repo: input.repository,
      issueTitle: issue.title,
      evaluation: e,
      round,
      ciFailure,
      policy: settings.paths,
    });
    let answer: StructuredResult<unknown>;
    try {
      answer = await model.generateStructured({
        purpose: 'remediate',
        correlationId: `${id}#${round}`,
        system: prompt.system,
        prompt: prompt.prompt,
        responseSchema: PATCH_SCHEMA,
      });
    } catch (err) {
      answer = { ok: false, reason: 'exhausted', detail: `gateway failed: ${messageOf(err)}` };
    }
    if (!answer.ok) {
      await github.commentOnce({
        incidentId: id,
        issue,
        kind: 'proposal',
        body: proposalComment(
          id,
          e,
          `The model could not produce a patch (${answer.reason}), so Healer proposes this fix instead.`,
        ),
      });
      return {
        ok: false,
        fatal: true,
        reason: `model unavailable for remediation (${answer.reason}): fix proposed on the issue`,
      };
    }
    const patch = checkPatch(answer.value);
    if (!patch.ok)
      return { ok: false, reason: `model patch rejected (schema): ${patch.errors.slice(0, 3).join('; ')}` };
    const forbidden = checkEditPaths(patch.value.edits, settings.paths);
    if (forbidden.length > 0)
      return {
        ok: false,
        reason: `model patch rejected (forbidden paths): ${forbidden.map((v) => `${v.path} ${v.reason}`).join('; ')}`,
      };
    try {
      const applied = await remediation.applyPatch({
        incidentId: id,
        repo: input.repository,
        code: d.code,
        summary: view.evaluation!.summary,
        issue,
        patch: patch.value,
        round,
        policy: settings.paths,
      });
      return { ok: true, pr: applied.pr };
    } catch (err) {
      return { ok: false, reason: `applying the patch failed: ${messageOf(err)}` };
    }
  }

  async function remediateByCodeRun(
    issue: IssueRef,
    e: Evaluation,
    round: number,
    ciFailure: string | undefined,
  ): Promise<RoundResult> {
    const namespace = settings.coderunNamespace ?? input.namespace;
    let run: { name: string };
    try {
      run = await remediation.createRemediationCodeRun({
        incidentId: id,
        playId: input.playId,
        namespace,
        repo: input.repository,
        service: input.service,
        issue,
        evaluation: e,
        round,
        ciFailure,
        policy: settings.paths,
      });
    } catch (err) {
      return { ok: false, fatal: true, reason: `could not create the remediation CodeRun: ${messageOf(err)}` };
    }
    note(`CodeRun ${run.name} running; waiting up to ${settings.syncTimeoutSecs} s for its PR`);
    // Durable wait: poll for the PR on the incident's branch with timers (survives worker restarts).
    const branch = remediationBranch(id);
    const deadline = now() + settings.syncTimeoutSecs * 1000;
    for (;;) {
      const pr = await github.findPullRequest({ repo: input.repository, branch });
      if (pr && (round === 1 || pr.headSha !== lastHeadSha)) return { ok: true, pr };
      const phase = await remediation.codeRunPhase({ namespace, name: run.name });
      if (phase === 'Failed' || phase === 'Missing')
        return { ok: false, reason: `CodeRun ${run.name} ended ${phase} without a PR` };
      if (now() >= deadline)
        return {
          ok: false,
          fatal: true,
          reason: `no PR from CodeRun ${run.name} within ${settings.syncTimeoutSecs} s`,
        };
      await sleep(Math.min(settings.ciPollSecs * 1000, Math.max(1, deadline - now())));
    }
  }

  async function verifyPullRequest(
    pr: PullRef,
  ): Promise<{ ok: true; headSha: string } | { ok: false; reason: string }> {
    const files = await github.pullRequestFiles({ repo: pr.repo, number: pr.number! });
    if (!files.exists) return { ok: false, reason: `PR #${pr.number} does not exist` };
    if (files.files.length === 0) return { ok: false, reason: `PR #${pr.number} changes no files` };
    // Re-verifying the commit that already failed would only fail again.
    if (files.headSha === lastHeadSha)
      return { ok: false, reason: `round produced no new commit on PR #${pr.number} (same change as before)` };
    lastHeadSha = files.headSha;
    return { ok: true, headSha: files.headSha! };
  }

  async function waitForCi(pr: PullRef, headSha: string): Promise<CiState> {
    const deadline = now() + settings.ciTimeoutSecs * 1000;
    for (;;) {
      const ci = await github.ciState({ repo: pr.repo, ref: headSha });
      if (ci.verdict === 'success' || ci.verdict === 'failure') {
        note(`CI ${ci.verdict} on ${headSha.slice(0, 7)}`);
        return ci;
      }
      if (now() >= deadline) return ci;
      await sleep(settings.ciPollSecs * 1000);
    }
  }

  async function resolve(issue: IssueRef, pr: PullRef, why: string): Promise<IncidentView> {
    step('resolving', why);
    let merged = false;
    if (settings.autoMerge) {
      const m = await github.mergePullRequest({ incidentId: id, pr });
      if (!m.merged) return escalate(issue, `CI passed but the PR could not be merged: ${m.reason ?? 'unknown'}`);
      merged = true;
    }
    const prRef = pr.number !== undefined ? `#${pr.number}` : `"${pr.title}"`;
    await github.commentOnce({ incidentId: id, issue, kind: 'resolved', body: resolvedComment(id, prRef, merged) });
    await github.closeIssue({ incidentId: id, issue, reason: 'completed' });
    return finish('resolved', why);
  }

  async function escalate(issue: IssueRef, reason: string): Promise<IncidentView> {
    step('escalating', reason);
    await github.addLabels({ incidentId: id, issue, labels: [NEEDS_HUMAN_LABEL] });
    await github.commentOnce({ incidentId: id, issue, kind: 'escalated', body: escalationComment(id, reason) });
    await tellDiscord('escalated', reason);
    return finish('escalated', reason);
  }

  async function reject(issue: IssueRef): Promise<IncidentView> {
    step('rejecting', 'remediation rejected by a human');
    await github.commentOnce({
      incidentId: id,
      issue,
      kind: 'rejected',
      body: rejectedComment(id, verdict?.by, verdict?.comment),
    });
    await github.closeIssue({ incidentId: id, issue, reason: 'not_planned' });
    return finish(
      'rejected',
      `rejected${verdict?.by ? ` by ${verdict.by}` : ''}${verdict?.comment ? `: ${verdict.comment}` : ''}`,
    );
  }

  async function tellDiscord(kind: 'detected' | 'escalated', why: string): Promise<void> {
    try {
      const r = await notify.notifyDiscord({
        key: `${kind}:${id}`,
        content: discordMessage(kind, d.code, view.issue?.title ?? d.line, why, view.issue?.url),
      });
      if (!r.sent) note(`discord: ${r.reason}`);
    } catch (e) {
      // A notification that cannot be delivered must not stop the healing.
      note(`discord notification failed: ${messageOf(e)}`);
    }
  }

  async function finish(status: IncidentView['status'], reason: string): Promise<IncidentView> {
    view.status = status;
    view.reason = redact(reason);
    step('done', `${status}: ${reason}`);
    // The final summary must reach the session before this workflow closes.
    await parentSignal;
    return view;
  }

  // ── bookkeeping ──

  function step(name: string, message: string): void {
    view.step = name;
    note(message);
  }
  function note(message: string): void {
    view.events.push({ at: new Date().toISOString(), step: view.step, message: redact(message).slice(0, 500) });
    view.events.splice(0, Math.max(0, view.events.length - MAX_EVENTS));
    log.info(`incident ${id}: ${view.step}: ${redact(message).slice(0, 300)}`);
    publish();
  }
  function publish(): void {
    setCurrentDetails(incidentDetails(view));
    const summary: IncidentSummary = {
      id: view.id,
      code: view.code,
      severity: view.severity,
      fingerprint: view.fingerprint,
      occurrences: view.occurrences,
      step: view.step,
      status: view.status,
      issue: view.issue,
      pr: view.pr,
    };
    // Occurrences come from the session itself; echoing each one back would double its history.
    const serialized = JSON.stringify({ ...summary, occurrences: 0 });
    if (parent && serialized !== publishedSummary) {
      publishedSummary = serialized;
      // The session may have ended (the incident outlives it): a lost update is fine, the next one carries all.
      parentSignal = getExternalWorkflowHandle(parent.workflowId)
        .signal(incidentUpdateSignal, summary)
        .catch(() => undefined);
    }
    if (view.status !== publishedStatus) {
      publishedStatus = view.status;
      upsertSearchAttributes([
        { key: searchAttributes.status, value: view.status },
        { key: searchAttributes.severity, value: view.severity },
        { key: searchAttributes.alertCodes, value: [view.code] },
        { key: searchAttributes.playId, value: input.playId },
      ]);
    }
  }
}

function messageOf(e: unknown): string {
  if (e instanceof ActivityFailure && e.cause) return messageOf(e.cause);
  if (e instanceof ApplicationFailure) return `${e.type ?? 'error'}: ${e.message}`;
  return e instanceof Error ? e.message : String(e);
}

const prLink = (r: { number?: number; url?: string; title: string; dryRun: boolean } | undefined): string =>
  !r
    ? '—'
    : r.dryRun
      ? `${r.title} _(dry run: not sent)_`
      : r.url
        ? `[#${r.number} ${r.title}](${r.url})`
        : `#${r.number} ${r.title}`;

/** Markdown for the Temporal UI's current details. */
export function incidentDetails(v: IncidentView): string {
  const lines = [
    `## ${v.code} · ${v.status} · ${v.step}`,
    `**Severity** ${v.severity} · **occurrences** ${v.occurrences} · **round** ${v.round}/${v.maxIterations} (${v.mode})`,
    `**Issue** ${prLink(v.issue)}`,
    `**PR** ${prLink(v.pr)}`,
  ];
  if (v.evaluation) lines.push(`**Root cause** ${v.evaluation.rootCause} _(by ${v.evaluatedBy})_`);
  if (v.reason) lines.push(`**Why** ${v.reason}`);
  lines.push('', ...v.events.slice(-8).map((e) => `- ${e.at.slice(11, 19)} ${e.step}: ${e.message}`));
  return lines.join('\n');
}
