// incident: one durable healing chain per failure fingerprint (`incident-<play_id>-<fingerprint>`).
// The body reads like the runbook: gather → evaluate → open issue → (human gate) → remediate → verify CI
// → resolve or escalate. Every effect is an idempotent activity; retries and timeouts live on the proxies
// (./proxies.ts). Outages of the model gateway or GitHub are waited out until the incident's deadline.
// When Temporal suggests it, the incident continues as new, carrying its state (./carried.ts).
import {
  ActivityFailure,
  allHandlersFinished,
  ApplicationFailure,
  condition,
  continueAsNew,
  getExternalWorkflowHandle,
  isCancellation,
  log,
  ParentClosePolicy,
  patched,
  setCurrentDetails,
  setHandler,
  sleep,
  TimeoutFailure,
  upsertSearchAttributes,
  workflowInfo,
  type ChildWorkflowOptions,
} from '@temporalio/workflow';
import type { IssueRef, PullRef } from '../../activities/incident/github';
import type { ContextRef } from '../../activities/incident/context';
import type { CiState } from '../../core/incident/ci';
import { checkEditPaths } from '../../core/incident/path-policy';
import { patchPolicy, refusedEdits } from '../../core/incident/patch-scope';
import { instructionLikeLines } from '../../core/incident/prompt-injection';
import { rolloverDue } from '../rollover';
import { EVALUATION_SYSTEM, evaluationPrompt } from '../../core/incident/prompts';
import {
  ciFailureComment,
  discordMessage,
  escalationComment,
  issueBody,
  issueLabels,
  issueTitle,
  NEEDS_HUMAN_LABEL,
  promptInjectionComment,
  proposalComment,
  refusedChangeComment,
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
import { decisionRefusal } from '../../core/incident/decision';
import { parseIncidentSettings } from '../../core/incident/settings';
import { incidentDeadlineMs, isInfrastructureFailure, outageWaitMs } from '../../core/incident/outages';
import { incidentDetails } from '../../core/incident/details';
import { redact } from '../../core/detection/redact';
import type { StructuredRequest, StructuredResult } from '../../core/model/request';
import { occurrencesOf, type CiFailureRef, type Detection } from '../../core/contract';
import { parseCiRemediation } from '../../core/ci/remediation';
import { ciVerifiedComment } from '../../core/ci/render';
import {
  ciFailureOf,
  ciRunState,
  gatherCiContext,
  isAgentPullRequest,
  reportOnPullRequest,
  waitForNextCiRun,
} from '../ci/incident-steps';
import {
  approveUpdate,
  DECISION_REFUSED_FAILURE,
  evidenceSignal,
  incidentWorkflowId,
  LLM_TASK_QUEUE,
  rejectUpdate,
  searchAttributes,
  TASK_QUEUE,
} from '../../core/contract';
import { incidentStatusQuery, incidentUpdateSignal, type IncidentInput, type IncidentView } from '../../core/contract';
import type { ApprovalInput, DecisionResult, IncidentSummary } from '../../core/contract';
import type { Evaluated, IncidentCarried, RunbookProgress, Verdict } from './carried';
import { context, githubUntil, modelOn, notify, remediationUntil } from './proxies';
import { publishPatch } from './patch-effects';
import {
  linkToLead,
  noticeAtDetection,
  noticeWithIssue,
  SHARED_CAUSE_PATCH,
  sharedLead,
  waitForWindowEnd,
} from './context-steps';

export type { IncidentInput, IncidentView } from '../../core/contract';
export type { IncidentCarried } from './carried';

// patched() ids of behaviour added after incidents were first recorded; each is asked only where the
// new behaviour would start, so histories recorded before it replay unchanged.
/** Continue-as-new when Temporal suggests it (asked at the approval gate and at each later wait). */
export const CONTINUE_AS_NEW_PATCH = 'incident-continue-as-new';
/** A gateway failure of infrastructure is waited out instead of ending the model call. */
export const MODEL_OUTAGE_PATCH = 'incident-model-outage-wait';
/** Patches are scoped to the files the evaluation named, and refusals are told on the issue. */
export const PATCH_SCOPE_PATCH = 'incident-patch-scope';
/** Instruction-like text in the log excerpt is told on the issue. */
export const INJECTION_WARNING_PATCH = 'incident-injection-warning';
/** The GitHub effects of a patch run as separate activities (before: one applyPatch activity). */
export const GITHUB_EFFECTS_PATCH = 'incident-github-effects';
/**
 * Steps that need nothing from each other run together: round 1's patch is drafted while the issue opens,
 * the fix branch is made ready while the model writes the patch, and the resolved comment and the issue's
 * closing go out together (before: one after the other).
 */
export const OVERLAP_PATCH = 'incident-overlaps-independent-steps';
/**
 * A run continues as new at INCIDENT_EVENTS_PER_RUN events, not only when Temporal suggests it (thousands
 * of events): a worker that lost its cache then replays it well within the 2 s workflow-task timeout
 * (before: a long CI wait could grow a run a cold worker replays in longer than that, again and again).
 */
export const BOUNDED_HISTORY_PATCH = 'incident-bounded-history';
/**
 * The session hears of an incident's milestones only (status, issue, PR, a wait for a person), not of each
 * step: every signal costs a workflow task on both sides and grows the session's history, which every
 * restarted worker replays. The incident's own view keeps every step.
 */
export const MILESTONE_UPDATES_PATCH = 'incident-milestone-updates';
const INCIDENT_EVENTS_PER_RUN = 500;
export { CONTEXT_WINDOW_PATCH, SHARED_CAUSE_PATCH, URGENT_NOTICE_PATCH } from './context-steps';

// ── child start options (for the session) ─────────────────────────────────────────────────────────────

/**
 * A task lost with a killed worker is handed to another after this, not the default 10 s. A live worker
 * replays an incident (at most INCIDENT_EVENTS_PER_RUN events) within it: ~70 ms for a whole healing on
 * an idle machine, 1.5 s (p90) on one just restarted amid the chaos suite's kills; a slower one's task is
 * handed on and tried again, never lost.
 */
const INCIDENT_TASK_TIMEOUT = '2 seconds';

/** How the session starts an incident child: fixed id, outlives its parent, findable in the UI. */
export function incidentChildOptions(
  input: IncidentInput,
  taskQueue = TASK_QUEUE,
): ChildWorkflowOptions & { workflowId: string; args: [IncidentInput] } {
  const detection = input.detection;
  return {
    workflowId: incidentWorkflowId(input.playId, detection.fingerprint),
    taskQueue,
    args: [input],
    // The incident finishes its healing even when the session ends or continues-as-new.
    parentClosePolicy: ParentClosePolicy.ABANDON,
    workflowTaskTimeout: INCIDENT_TASK_TIMEOUT,
    staticSummary: `Incident ${detection.code} (${detection.severity}) in ${input.playId}: ${redact(detection.line).slice(0, 120)}`,
    typedSearchAttributes: [
      { key: searchAttributes.playId, value: input.playId },
      { key: searchAttributes.repository, value: input.repository },
      { key: searchAttributes.status, value: 'open' },
      { key: searchAttributes.alertCodes, value: [detection.code] },
      { key: searchAttributes.severity, value: detection.severity },
    ],
  };
}

// ── the workflow ──────────────────────────────────────────────────────────────────────────────────────

const MAX_EVENTS = 50;
const MAX_EVIDENCE = 20;

type RoundResult = { ok: true; pr: PullRef } | { ok: false; reason: string; fatal?: boolean };
/** A model call's outcome: the gateway's answer, or why the gateway itself could not be reached. */
type ModelOutcome = { answer: StructuredResult<unknown> } | { gatewayError: string };

/** `carried` is set by continue-as-new: the previous run's state, resumed where it stood. */
export async function incident(input: IncidentInput, carried?: IncidentCarried): Promise<IncidentView> {
  const id = workflowInfo().workflowId;
  const detection = input.detection;
  const { settings, warnings } = parseIncidentSettings(input.remediation);
  // A failed GitHub Actions job: its own context, report target, fix branch and verification (workflows/ci).
  const failedCi = ciFailureOf(detection);
  const ciParsed = parseCiRemediation(failedCi ? input.remediation : undefined);
  const ciSettings = ciParsed.settings;
  const fixBranch = failedCi?.pullRequest && ciSettings.commitToPrBranch ? failedCi.headBranch : undefined;
  const model = modelOn(input.llmTaskQueue ?? LLM_TASK_QUEUE);
  const now = (): number => new Date().getTime();
  const evidence: Detection[] = carried?.evidence ?? [];
  let verdict: Verdict | undefined = carried?.verdict;
  const progress: RunbookProgress = carried?.progress ?? { round: 0 };
  const startedAtMs = carried?.startedAtMs ?? now();
  const deadlineMs = incidentDeadlineMs(startedAtMs, settings.deadlineSecs);
  // GitHub and remediation effects retry through outages until the deadline (see ./proxies.ts).
  const github = () => githubUntil(deadlineMs);
  const remediation = () => remediationUntil(deadlineMs);
  let publishedStatus: string | undefined = carried?.published.status;
  let publishedSummary = carried?.published.summary ?? '';
  let parentSignal: Promise<void> = Promise.resolve();
  const parent = workflowInfo().parent;
  /** Set once this run has decided to continue as new (a wait in progress is then carried, not cleared). */
  let continuing = false;
  /** Temporal suggests continuing as new, or (runs since the patch) the run reached its event bound. */
  const historyFull = rolloverDue(BOUNDED_HISTORY_PATCH, input.maxHistoryEvents ?? INCIDENT_EVENTS_PER_RUN);
  const milestonesOnly = patched(MILESTONE_UPDATES_PATCH);

  const view: IncidentView = carried?.view ?? {
    id,
    code: detection.code,
    severity: detection.severity,
    fingerprint: detection.fingerprint,
    occurrences: occurrencesOf(detection),
    step: 'gathering',
    status: 'open',
    playId: input.playId,
    repository: input.repository,
    round: 0,
    maxIterations: settings.maxIterations,
    mode: settings.mode,
    dryRun: false,
    events: [],
    settingsWarnings: [...warnings, ...ciParsed.warnings],
  };

  // ── messages ──
  setHandler(incidentStatusQuery, () => view);
  setHandler(evidenceSignal, ({ detections }) => {
    view.occurrences += detections.reduce((total, repeat) => total + occurrencesOf(repeat), 0);
    evidence.push(...detections);
    evidence.splice(0, Math.max(0, evidence.length - MAX_EVIDENCE));
    publish();
  });
  // A decision counts while the gate is open or still ahead; the first one wins.
  const refusal = (): string | undefined =>
    decisionRefusal({
      requireApproval: settings.requireApproval,
      decided: verdict?.decision,
      status: view.status,
      step: view.step,
    });
  const validateDecision = (_approval: ApprovalInput): void => {
    const why = refusal();
    // Thrown in the validator: the caller sees the update rejected and nothing is written to history.
    if (why)
      throw ApplicationFailure.create({
        type: DECISION_REFUSED_FAILURE,
        message: why,
        nonRetryable: true,
        details: [{ step: view.step, status: view.status }],
      });
  };
  const decide =
    (decision: Verdict['decision']) =>
    (approval: ApprovalInput): DecisionResult => {
      // Validators do not run on replay, and histories recorded before them hold refused decisions:
      // those must still be answered as refused, as they were then.
      if (refusal()) return { accepted: false, step: view.step };
      verdict = { decision, by: approval.by, comment: approval.comment };
      return { accepted: true, step: view.step };
    };
  setHandler(approveUpdate, decide('approved'), { validator: validateDecision });
  setHandler(rejectUpdate, decide('rejected'), { validator: validateDecision });

  // ── the runbook ──
  try {
    return await runbook();
  } catch (error) {
    // Cancellation, continue-as-new (or a bug in the workflow itself) is not an incident outcome.
    if (isCancellation(error) || !(error instanceof ActivityFailure)) throw error;
    // An effect failed for good (e.g. GitHub refused the token or the repository): say so and tell humans.
    const reason = `${view.step} failed: ${messageOf(error)}`;
    await tellDiscord('escalated', reason);
    return finish('failed', reason);
  }

  async function runbook(): Promise<IncidentView> {
    if (!progress.gathered) {
      step('gathering', `detected ${detection.code} (${detection.priority}) from ${detection.source}`);
      progress.urgentNotice = await noticeAtDetection(id, input.playId, detection);
      if (progress.urgentNotice?.reason) note(`discord: ${progress.urgentNotice.reason}`);
      // A CI job's log is complete when it is reported; an agent's lines after the detection are yet to come.
      const waited = failedCi ? 0 : await waitForWindowEnd(detection, input.contextWindow);
      if (waited) note(`gathered the log window after waiting ${Math.round(waited / 1000)} s for its end`);
      progress.gathered = await gatherContext();
    }
    const gathered = progress.gathered;
    if (!progress.evaluated) {
      step('evaluating', 'asking the model for an analysis');
      progress.evaluated = await evaluate(gathered);
    }
    const { evaluation, rulesFallback } = progress.evaluated;
    const lead = sharedLead(evaluation, gathered);
    // The first patch needs nothing the issue brings: it is asked for while the issue opens, when nothing
    // between the two (a linked root cause, a missing model, a human gate) could stop the round.
    const draft =
      !progress.issue && draftsEarly(lead !== undefined, rulesFallback)
        ? draftPatch(evaluation, 1, undefined, issueTitle(detection.code, evaluation.summary))
        : undefined;
    // Handled here too, so a runbook that ends before round 1 leaves no rejection unobserved.
    draft?.catch(() => undefined);
    if (!progress.issue) {
      step('opening-issue', `${evaluation.category}: ${evaluation.summary}`);
      const opened = await openIssue(evaluation, gathered);
      if (progress.urgentNotice) {
        const failed = await noticeWithIssue(id, input.playId, detection, progress.urgentNotice, opened);
        if (failed) note(`discord: ${failed}`);
      } else if (detection.priority === 'P0' || detection.priority === 'P1') await tellDiscord('detected', '');
      await warnOfInstructionLikeLines(opened, gathered);
      progress.issue = opened;
    }
    const issue = progress.issue;
    if (lead && patched(SHARED_CAUSE_PATCH)) {
      step('linking', `shares its root cause with ${lead.id}`);
      const leadIssue = await linkToLead(github, { incidentId: id, issue, lead, summary: evaluation.summary });
      view.linkedTo = { incidentId: lead.id, ...(leadIssue ? { issue: leadIssue } : {}) };
      const ref = leadIssue?.number !== undefined ? ` (#${leadIssue.number})` : '';
      return finish('linked', `shares its root cause with ${lead.id}${ref}, where the fix is tracked`);
    }

    if (settings.mode === 'patch' && rulesFallback === 'no-key') {
      // Without a model Healer cannot write a patch: it proposes the fix and hands over to a human.
      await github().commentOnce({
        incidentId: id,
        issue,
        kind: 'proposal',
        body: proposalComment(
          id,
          evaluation,
          'No model is configured (GEMINI_API_KEY unset), so Healer proposes this fix instead of patching.',
        ),
      });
      // A CI failure is the agent's to fix on its branch: the next run of the workflow tells whether it did.
      if (failedCi) return verifyByNextCiRun(issue, failedCi);
      return escalate(issue, 'no model configured: the rule-based fix was proposed on the issue, not applied');
    }

    if (settings.requireApproval && !progress.gatePassed) {
      const gate = await humanGate();
      if (gate === 'timed-out') return escalate(issue, `no approval within ${settings.approvalTimeoutSecs} s`);
      if (gate === 'rejected') return reject(issue);
      progress.gatePassed = true;
    }
    return remediate(issue, evaluation, draft);
  }

  function draftsEarly(linked: boolean, rulesFallback: Evaluated['rulesFallback']): boolean {
    const stopsBeforeRound =
      linked ||
      settings.mode !== 'patch' ||
      rulesFallback === 'no-key' ||
      settings.requireApproval ||
      failedCi !== undefined;
    return !stopsBeforeRound && patched(OVERLAP_PATCH);
  }

  async function remediate(
    issue: IssueRef,
    evaluation: Evaluation,
    firstDraft?: Promise<ModelOutcome>,
  ): Promise<IncidentView> {
    for (progress.round = Math.max(progress.round, 1); progress.round <= settings.maxIterations; progress.round++) {
      const round = progress.round;
      view.round = round;
      if (!progress.awaitingCi) {
        // A CodeRun already under way (this run continued as new while waiting for it) keeps its step.
        if (progress.codeRun?.round !== round) step('remediating', `round ${round} (${settings.mode})`);
        const attempt =
          settings.mode === 'patch'
            ? await remediateByPatch(issue, evaluation, round, progress.feedback, round === 1 ? firstDraft : undefined)
            : await remediateByCodeRun(issue, evaluation, round, progress.feedback);
        if (!attempt.ok) {
          progress.lastReason = progress.feedback = attempt.reason;
          note(`round ${round} produced no usable fix: ${attempt.reason}`);
          if (attempt.fatal) break;
          continue;
        }
        view.pr = {
          number: attempt.pr.number,
          url: attempt.pr.url,
          title: attempt.pr.title,
          dryRun: attempt.pr.dryRun,
        };
        step('verifying', `round ${round}: ${attempt.pr.dryRun ? 'dry-run PR recorded' : `PR #${attempt.pr.number}`}`);
        if (attempt.pr.dryRun) return resolve(issue, attempt.pr, 'dry run: the PR was recorded, CI was not run');
        const check = await verifyPullRequest(attempt.pr);
        if (!check.ok) {
          progress.lastReason = progress.feedback = check.reason;
          note(check.reason);
          continue;
        }
        progress.awaitingCi = {
          pr: attempt.pr,
          headSha: check.headSha,
          deadlineMs: now() + settings.ciTimeoutSecs * 1000,
        };
      }
      const awaited = progress.awaitingCi;
      const ci = await waitForCi(awaited);
      progress.awaitingCi = undefined;
      if (ci.verdict === 'success') return resolve(issue, awaited.pr, 'CI passed');
      if (ci.verdict !== 'failure')
        return escalate(issue, `CI did not finish within ${settings.ciTimeoutSecs} s on ${awaited.pr.url ?? 'the PR'}`);
      progress.lastReason = `CI failed in round ${round}: ${ci.failures.join('; ')}`;
      progress.feedback = ci.failures.join('\n');
      await github().commentOnce({
        incidentId: id,
        issue,
        kind: `ci-failed-${round}`,
        body: ciFailureComment(id, round, progress.feedback),
      });
    }
    return escalate(
      issue,
      `no passing fix after ${view.round} of ${settings.maxIterations} rounds; last: ${progress.lastReason ?? 'no remediation round ran'}`,
    );
  }

  // ── steps ──

  async function gatherContext(): Promise<ContextRef> {
    try {
      const ref = failedCi
        ? await gatherCiContext({ incidentId: id, detection, evidence: [...evidence] })
        : await context.gatherContext({
            incidentId: id,
            playId: input.playId,
            namespace: input.namespace,
            detection,
            evidence: [...evidence],
            repository: input.repository,
            ...(input.contextWindow ? { contextWindow: input.contextWindow } : {}),
          });
      view.contextRef = ref.ref;
      if (ref.summary) view.context = ref.summary;
      return ref;
    } catch (error) {
      if (!(error instanceof ActivityFailure)) throw error;
      note(`context unavailable: ${messageOf(error)}`);
      return { ref: '', excerpt: [detection.line], notes: [], logLines: 0 };
    }
  }

  async function evaluate(gathered: ContextRef): Promise<Evaluated> {
    let rulesFallback: Evaluated['rulesFallback'];
    let why: string;
    const outcome = await askModel({
      purpose: 'evaluate',
      correlationId: id,
      system: EVALUATION_SYSTEM,
      prompt: evaluationPrompt(detection, gathered.excerpt, gathered.notes, gathered.diff, gathered),
      responseSchema: EVALUATION_SCHEMA,
    });
    if ('gatewayError' in outcome) {
      rulesFallback = 'gateway-error';
      why = outcome.gatewayError;
    } else if (outcome.answer.ok) {
      const answer = outcome.answer;
      const checked = checkEvaluation(answer.value);
      if (checked.ok) {
        view.evaluatedBy = `model ${answer.model}`;
        // A model may echo anything: its text is redacted before it is stored, shown or posted.
        const byModel = checked.value;
        view.evaluation = {
          ...byModel,
          summary: redact(byModel.summary),
          rootCause: redact(byModel.rootCause),
          suggestedFix: redact(byModel.suggestedFix),
          affectedFiles: byModel.affectedFiles.map(redact),
        };
        return { evaluation: view.evaluation };
      }
      rulesFallback = 'invalid-answer';
      why = `model answer rejected: ${checked.errors.slice(0, 3).join('; ')}`;
    } else {
      rulesFallback = outcome.answer.reason;
      why = `${outcome.answer.reason}: ${outcome.answer.detail}`;
    }
    // The view keeps the reason as text for people; the workflow decides on rulesFallback.
    view.evaluatedBy = `rules (${redact(why).slice(0, 300)})`;
    note(`evaluated by rules because ${why}`);
    view.evaluation = evaluateByRules(
      detection,
      gathered.excerpt,
      gathered.correlation ? { incidentId: id, correlation: gathered.correlation } : undefined,
    );
    return { evaluation: view.evaluation, rulesFallback };
  }

  /**
   * One model request. When the gateway could not reach any model for reasons of Healer's own (its worker
   * killed, the budget or breaker workflows unreachable) the call is asked again after a durable wait,
   * until the incident's deadline: only a chain that really answered "no model can serve" ends it.
   */
  async function askModel(request: StructuredRequest): Promise<ModelOutcome> {
    for (let outages = 0; ; outages++) {
      let outcome: ModelOutcome;
      let outage: string;
      try {
        const answer = await model.generateStructured(request);
        if (!isInfrastructureFailure(answer)) return { answer };
        outcome = { answer };
        outage = `no model reached: ${!answer.ok ? answer.detail : ''}`;
      } catch (error) {
        if (!(error instanceof ActivityFailure)) throw error;
        outcome = { gatewayError: `gateway failed: ${messageOf(error)}` };
        // Only a timeout says the gateway's workers were away; another failure is the gateway's verdict.
        if (!(error.cause instanceof TimeoutFailure)) return outcome;
        outage = outcome.gatewayError;
      }
      const waitMs = outageWaitMs(outages);
      if (now() + waitMs > deadlineMs || !patched(MODEL_OUTAGE_PATCH)) return outcome;
      note(`model gateway unavailable (${outage}); asking again in ${Math.round(waitMs / 1000)} s`);
      await sleep(waitMs);
      await checkpoint();
    }
  }

  /** The issue as people read it; the remediation model reads the same text. */
  function issueText(evaluation: Evaluation, gathered: ContextRef): string {
    return issueBody({
      incidentId: id,
      playId: input.playId,
      repository: input.repository,
      detection,
      evaluation,
      evaluatedBy: view.evaluatedBy ?? 'rules',
      logExcerpt: gathered.excerpt,
      sessionLink: input.sessionLink,
      extras: gathered,
      sharedWith: sharedLead(evaluation, gathered),
    });
  }

  async function openIssue(evaluation: Evaluation, gathered: ContextRef): Promise<IssueRef> {
    const title = issueTitle(detection.code, evaluation.summary);
    const body = issueText(evaluation, gathered);
    if (failedCi?.pullRequest && ciSettings.report === 'pr-comment') {
      const onPr = await reportOnPullRequest(github().commentOnce, {
        incidentId: id,
        failure: { ...failedCi, pullRequest: failedCi.pullRequest },
        body,
      });
      view.issue = { number: onPr.number, url: onPr.url, title: onPr.title, dryRun: onPr.dryRun };
      view.dryRun = onPr.dryRun;
      note(`${onPr.dryRun ? 'dry run: ' : ''}analysis commented on the agent's PR #${onPr.number}`);
      return onPr;
    }
    const created = await github().findOrCreateIssue({
      incidentId: id,
      repo: input.repository,
      issuesRepo: settings.issuesRepo,
      title,
      body,
      labels: issueLabels(detection.code, evaluation.severity),
    });
    const issue: IssueRef = {
      repo: created.repo,
      number: created.number,
      url: created.url,
      title: created.title,
      dryRun: created.dryRun,
    };
    view.issue = { number: issue.number, url: issue.url, title: issue.title, dryRun: issue.dryRun };
    view.dryRun = issue.dryRun;
    note(
      issue.dryRun
        ? `dry run: issue "${issue.title}" recorded`
        : `issue #${issue.number} ${created.created ? 'created' : 'found'}`,
    );
    return issue;
  }

  /** Log lines that read like instructions to a model are told on the issue, once, before any change. */
  async function warnOfInstructionLikeLines(issue: IssueRef, gathered: ContextRef): Promise<void> {
    // The excerpt is what the model reads (the detection line first).
    const lines = instructionLikeLines(gathered.excerpt.join('\n'));
    if (lines.length === 0 || !patched(INJECTION_WARNING_PATCH)) return;
    progress.instructionLines = lines;
    note(`possible prompt injection in the log excerpt (${lines.length} line(s) read like instructions)`);
    await github().commentOnce({
      incidentId: id,
      issue,
      kind: 'prompt-injection',
      body: promptInjectionComment(id, lines),
    });
  }

  async function humanGate(): Promise<'approved' | 'rejected' | 'timed-out'> {
    if (progress.gateDeadlineMs === undefined) {
      step('awaiting-approval', `waiting up to ${settings.approvalTimeoutSecs} s for approve/reject`);
      progress.gateDeadlineMs = now() + settings.approvalTimeoutSecs * 1000;
    }
    // Gates recorded before incidents continued as new waited for the decision alone.
    const mayContinue = patched(CONTINUE_AS_NEW_PATCH);
    for (;;) {
      const woken = await condition(
        () => verdict !== undefined || (mayContinue && historyFull()),
        Math.max(1, progress.gateDeadlineMs - now()),
      );
      if (verdict) break;
      if (!woken) {
        view.approval = { decision: 'timed-out' };
        return 'timed-out';
      }
      await checkpoint();
    }
    view.approval = verdict;
    note(`${verdict.decision}${verdict.by ? ` by ${verdict.by}` : ''}`);
    return verdict.decision;
  }

  async function remediateByPatch(
    issue: IssueRef,
    evaluation: Evaluation,
    round: number,
    ciFailure: string | undefined,
    drafted?: Promise<ModelOutcome>,
  ): Promise<RoundResult> {
    // With no allowed paths configured, a patch may change only the files the evaluation named.
    const policy = patchPolicy(settings.paths, evaluation.affectedFiles);
    // The branch needs nothing from the patch: it is made ready while the model writes one.
    const branchReady = patched(OVERLAP_PATCH)
      ? github().ensureBranch({ incidentId: id, repo: input.repository, branch: fixBranch ?? remediationBranch(id) })
      : undefined;
    // Handled here too: a round that ends before publishing leaves no rejection unobserved.
    branchReady?.catch(() => undefined);
    const outcome = await (drafted ?? draftPatch(evaluation, round, ciFailure, issue.title));
    const answer: StructuredResult<unknown> =
      'answer' in outcome ? outcome.answer : { ok: false, reason: 'exhausted', detail: outcome.gatewayError };
    if (!answer.ok) {
      await github().commentOnce({
        incidentId: id,
        issue,
        kind: 'proposal',
        body: proposalComment(
          id,
          evaluation,
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
    const scoped = patched(PATCH_SCOPE_PATCH);
    const forbidden = scoped
      ? refusedEdits(patch.value.edits, settings.paths, evaluation.affectedFiles)
      : checkEditPaths(patch.value.edits, settings.paths);
    if (forbidden.length > 0) {
      if (scoped)
        await github().commentOnce({
          incidentId: id,
          issue,
          kind: `refused-${round}`,
          body: refusedChangeComment(id, round, forbidden, progress.instructionLines ?? []),
        });
      return {
        ok: false,
        reason: `model patch rejected (forbidden paths): ${forbidden.map((violation) => `${violation.path} ${violation.reason}`).join('; ')}`,
      };
    }
    const toPublish = {
      incidentId: id,
      repo: input.repository,
      code: detection.code,
      summary: evaluation.summary,
      issue,
      patch: patch.value,
      round,
      policy: scoped ? policy : settings.paths,
      ...(fixBranch ? { branch: fixBranch } : {}),
    };
    if (patched(GITHUB_EFFECTS_PATCH)) {
      try {
        return { ok: true, pr: await publishPatch(github, toPublish, branchReady) };
      } catch (error) {
        // GitHub refused the change (a 4xx): this round failed. An outage was waited out by the retries,
        // and one that outlasted the deadline ends the incident (the runbook reports it).
        if (!(error instanceof ActivityFailure) || error.cause instanceof TimeoutFailure) throw error;
        return { ok: false, reason: `applying the patch failed: ${messageOf(error)}` };
      }
    }
    try {
      const applied = await remediation().applyPatch(toPublish);
      return { ok: true, pr: applied.pr };
    } catch (error) {
      if (!(error instanceof ActivityFailure)) throw error;
      return { ok: false, reason: `applying the patch failed: ${messageOf(error)}` };
    }
  }

  /** The model's patch for a round: the prompt (files read from the repository), then the model call. */
  async function draftPatch(
    evaluation: Evaluation,
    round: number,
    ciFailure: string | undefined,
    title: string,
  ): Promise<ModelOutcome> {
    const prompt = await remediation().preparePatchPrompt({
      incidentId: id,
      repo: input.repository,
      issueTitle: title,
      ...(progress.gathered ? { issueBody: issueText(evaluation, progress.gathered) } : {}),
      evaluation,
      round,
      ciFailure,
      policy: patchPolicy(settings.paths, evaluation.affectedFiles),
      ...(fixBranch ? { branch: fixBranch } : {}),
    });
    return askModel({
      purpose: 'remediate',
      correlationId: `${id}#${round}`,
      system: prompt.system,
      prompt: prompt.prompt,
      responseSchema: PATCH_SCHEMA,
    });
  }

  async function remediateByCodeRun(
    issue: IssueRef,
    evaluation: Evaluation,
    round: number,
    ciFailure: string | undefined,
  ): Promise<RoundResult> {
    const namespace = settings.coderunNamespace ?? input.namespace;
    if (progress.codeRun?.round !== round) {
      let run: { name: string };
      try {
        run = await remediation().createRemediationCodeRun({
          incidentId: id,
          playId: input.playId,
          namespace,
          repo: input.repository,
          service: input.service,
          issue,
          evaluation,
          round,
          ciFailure,
          policy: settings.paths,
        });
      } catch (error) {
        if (!(error instanceof ActivityFailure)) throw error;
        return { ok: false, fatal: true, reason: `could not create the remediation CodeRun: ${messageOf(error)}` };
      }
      note(`CodeRun ${run.name} running; waiting up to ${settings.syncTimeoutSecs} s for its PR`);
      progress.codeRun = { round, name: run.name, deadlineMs: now() + settings.syncTimeoutSecs * 1000 };
    }
    const { name, deadlineMs: syncDeadlineMs } = progress.codeRun;
    // Durable wait: poll for the PR on the incident's branch with timers (survives worker restarts).
    const branch = remediationBranch(id);
    try {
      for (;;) {
        const pr = await github().findPullRequest({ repo: input.repository, branch });
        if (pr && (round === 1 || pr.headSha !== progress.lastHeadSha)) return { ok: true, pr };
        const phase = await remediation().codeRunPhase({ namespace, name });
        if (phase === 'Failed' || phase === 'Missing')
          return { ok: false, reason: `CodeRun ${name} ended ${phase} without a PR` };
        if (now() >= syncDeadlineMs)
          return { ok: false, fatal: true, reason: `no PR from CodeRun ${name} within ${settings.syncTimeoutSecs} s` };
        await checkpoint();
        await sleep(Math.min(settings.ciPollSecs * 1000, Math.max(1, syncDeadlineMs - now())));
      }
    } finally {
      // Cleared unless continuing as new (that run resumes the wait): the next round creates its own.
      if (!continuing) progress.codeRun = undefined;
    }
  }

  async function verifyPullRequest(
    pr: PullRef,
  ): Promise<{ ok: true; headSha: string } | { ok: false; reason: string }> {
    const files = await github().pullRequestFiles({ repo: pr.repo, number: pr.number! });
    if (!files.exists) return { ok: false, reason: `PR #${pr.number} does not exist` };
    if (files.files.length === 0) return { ok: false, reason: `PR #${pr.number} changes no files` };
    // Re-verifying the commit that already failed would only fail again.
    if (files.headSha === progress.lastHeadSha)
      return { ok: false, reason: `round produced no new commit on PR #${pr.number} (same change as before)` };
    progress.lastHeadSha = files.headSha;
    return { ok: true, headSha: files.headSha! };
  }

  async function waitForCi(awaited: { pr: PullRef; headSha: string; deadlineMs: number }): Promise<CiState> {
    for (;;) {
      // A CI failure is verified by the run of the workflow that failed, other checks aside.
      const ci = failedCi
        ? await ciRunState(failedCi, awaited.headSha)
        : await github().ciState({ repo: awaited.pr.repo, ref: awaited.headSha });
      if (ci.verdict === 'success' || ci.verdict === 'failure') {
        note(`CI ${ci.verdict} on ${awaited.headSha.slice(0, 7)}`);
        return ci;
      }
      if (now() >= awaited.deadlineMs) return ci;
      await checkpoint();
      await sleep(settings.ciPollSecs * 1000);
    }
  }

  async function resolve(issue: IssueRef, pr: PullRef, why: string): Promise<IncidentView> {
    step('resolving', why);
    let merged = false;
    if (settings.autoMerge) {
      const merge = await github().mergePullRequest({ incidentId: id, pr });
      if (!merge.merged)
        return escalate(issue, `CI passed but the PR could not be merged: ${merge.reason ?? 'unknown'}`);
      merged = true;
    }
    const prRef = pr.number !== undefined ? `#${pr.number}` : `"${pr.title}"`;
    const comment = () =>
      github().commentOnce({ incidentId: id, issue, kind: 'resolved', body: resolvedComment(id, prRef, merged) });
    const close = async () => {
      if (!isAgentPullRequest(issue, failedCi))
        await github().closeIssue({ incidentId: id, issue, reason: 'completed' });
    };
    if (patched(OVERLAP_PATCH)) await Promise.all([comment(), close()]);
    else {
      await comment();
      await close();
    }
    return finish('resolved', why);
  }

  async function verifyByNextCiRun(issue: IssueRef, failed: CiFailureRef): Promise<IncidentView> {
    step(
      'verifying',
      `waiting up to ${settings.ciTimeoutSecs} s for ${failed.workflowName} to pass on ${failed.headBranch}`,
    );
    const next = await waitForNextCiRun(failed, settings);
    if (next.verdict !== 'success')
      return escalate(
        issue,
        next.verdict === 'failure'
          ? `${failed.workflowName} still fails on ${failed.headBranch}: ${next.failures.join('; ')}`
          : `no passing run of ${failed.workflowName} on ${failed.headBranch} within ${settings.ciTimeoutSecs} s`,
      );
    const why = `the next run of ${failed.workflowName} on ${failed.headBranch} passed`;
    step('resolving', why);
    await github().commentOnce({ incidentId: id, issue, kind: 'resolved', body: ciVerifiedComment(id, failed) });
    if (!isAgentPullRequest(issue, failed)) await github().closeIssue({ incidentId: id, issue, reason: 'completed' });
    return finish('resolved', why);
  }

  async function escalate(issue: IssueRef, reason: string): Promise<IncidentView> {
    step('escalating', reason);
    await github().addLabels({ incidentId: id, issue, labels: [NEEDS_HUMAN_LABEL] });
    await github().commentOnce({ incidentId: id, issue, kind: 'escalated', body: escalationComment(id, reason) });
    await tellDiscord('escalated', reason);
    return finish('escalated', reason);
  }

  async function reject(issue: IssueRef): Promise<IncidentView> {
    step('rejecting', 'remediation rejected by a human');
    await github().commentOnce({
      incidentId: id,
      issue,
      kind: 'rejected',
      body: rejectedComment(id, verdict?.by, verdict?.comment),
    });
    if (!isAgentPullRequest(issue, failedCi))
      await github().closeIssue({ incidentId: id, issue, reason: 'not_planned' });
    return finish(
      'rejected',
      `rejected${verdict?.by ? ` by ${verdict.by}` : ''}${verdict?.comment ? `: ${verdict.comment}` : ''}`,
    );
  }

  async function tellDiscord(kind: 'detected' | 'escalated', why: string): Promise<void> {
    try {
      const delivery = await notify.notifyDiscord({
        key: `${kind}:${id}`,
        content: discordMessage(kind, detection.code, view.issue?.title ?? detection.line, why, view.issue?.url),
      });
      if (!delivery.sent) note(`discord: ${delivery.reason}`);
    } catch (error) {
      if (!(error instanceof ActivityFailure)) throw error;
      // A notification that cannot be delivered must not stop the healing.
      note(`discord notification failed: ${messageOf(error)}`);
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

  // ── continue-as-new ──

  /**
   * At a wait with no step half done: when Temporal suggests it, continue as new with everything the
   * runbook has done so far, so an incident open for days (evidence, CI polls) keeps a small history.
   */
  async function checkpoint(): Promise<void> {
    if (!historyFull() || !patched(CONTINUE_AS_NEW_PATCH)) return;
    note(`continuing as new after ${workflowInfo().historyLength} history events`);
    continuing = true;
    // No signal or update may be lost, and the session must have the latest summary first.
    await condition(allHandlersFinished);
    await parentSignal;
    await continueAsNew<typeof incident>(input, {
      view,
      evidence,
      ...(verdict ? { verdict } : {}),
      progress,
      startedAtMs,
      published: { summary: publishedSummary, ...(publishedStatus ? { status: publishedStatus } : {}) },
    });
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
    const serialized = milestonesOnly ? milestoneOf(view) : JSON.stringify({ ...summary, occurrences: 0 });
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

/** What the session is told of as it happens; a summary sent for it carries the latest step too. */
function milestoneOf(view: IncidentView): string {
  return JSON.stringify({
    status: view.status,
    issue: view.issue,
    pr: view.pr,
    awaitingPerson: view.step === 'awaiting-approval',
  });
}

/** A failure as one line for people: the activity's own error, or which timeout ended it. */
function messageOf(error: unknown): string {
  if (error instanceof ActivityFailure && error.cause) return messageOf(error.cause);
  if (error instanceof TimeoutFailure)
    return `timed out (${error.timeoutType})${error.cause ? `; last: ${messageOf(error.cause)}` : ''}`;
  if (error instanceof ApplicationFailure) return `${error.type ?? 'error'}: ${error.message}`;
  return error instanceof Error ? error.message : String(error);
}
