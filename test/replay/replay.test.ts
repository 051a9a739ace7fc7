import { bundleWorkflowCode, Worker } from '@temporalio/worker';
import { DeterminismViolationError } from '@temporalio/workflow';
import { loadHistories } from '../../scripts/histories/files';
import * as healerWorkflows from '../../workflows';

const histories = loadHistories();
const bundlePath = () => {
  const path = process.env.HEALER_TEST_WORKFLOW_BUNDLE;
  if (!path) throw new Error('the global setup did not build the workflow bundle');
  return path;
};
const fileOf = new Map(histories.map((h) => [h.workflowId, h.file]));
const workflowType = (h: (typeof histories)[number]) =>
  h.history.events?.[0]?.workflowExecutionStartedEventAttributes?.workflowType?.name;

test('there are recorded histories to replay', () => {
  expect(histories.map((h) => h.file)).toEqual(
    expect.arrayContaining([
      'session-detections-and-end.json',
      'session-preflight-silent.json',
      'session-continue-as-new.json',
      'session-incident-dry-run.json',
      'incident-dry-run-escalated.json',
      'incident-approval-gate.json',
      'playbook-mutual-restart.json',
      'playbook-emergency.json',
      'watchdog-mutual-restart-continue-as-new.json',
      'watchdog-emergency-continue-as-new.json',
      'watchdog-give-up-continue-as-new.json',
      'budget-reserve-settle-continue-as-new.json',
      'modelHealth-breaker-continue-as-new.json',
      'ci-run-intake-delivered.json',
      'ci-poller-stops-unwatched.json',
      'incident-ci-verified-by-next-run.json',
      // The incident context: checklist raises, notice at detection, window wait, shared root cause, log store.
      'session-preflight-checklist.json',
      'incident-linked-shared-cause.json',
      'sessionLogStore-continue-as-new.json',
      // Evidence sent on its timer, not by reading the clock (the recording before it: session-evidence-outbox).
      'session-evidence-on-timer.json',
      // Appends and evidence never start or cancel a timer: one idle timer, one evidence clock.
      'sessionLogStore-idle-continue-as-new.json',
      'session-evidence-clock.json',
      // The watchdog's audit log mirrored into Temporal, continuing as new with its entries.
      'auditMirror-continue-as-new.json',
      // Independent incident steps overlap (patch drafted with the issue, branch with the patch).
      'incident-overlapped-steps.json',
      // An incident rolls over at its event bound, before the server suggests continuing as new.
      'incident-bounded-history.json',
      // Incidents tell their session of milestones only (issue, PR, status, a wait for a person).
      'session-milestone-updates.json',
      'incident-milestone-updates.json',
      // Recorded before sessions opened incidents: they replay through the patched() old path.
      'session-before-incidents-detections-and-end.json',
      // Recorded before the approve/reject validators: a refused decision sits in the history.
      'incident-before-validators-approval-gate.json',
      // Recorded on the code before the watchdog's outage awareness and the budget's day hand-off.
      'watchdog-before-outage-aware-mutual-restart-continue-as-new.json',
      'watchdog-before-outage-aware-emergency-continue-as-new.json',
      'watchdog-before-outage-aware-give-up-continue-as-new.json',
      'budget-before-day-handoff-reserve-settle-continue-as-new.json',
      'modelHealth-before-day-stats-breaker-continue-as-new.json',
      // Recorded before the entities' runs were bounded to 200 events (1000 then).
      'budget-before-short-runs-reserve-settle-continue-as-new.json',
      'modelHealth-before-short-runs-breaker-continue-as-new.json',
    ]),
  );
});

test('every workflow kind the worker runs has a recorded history', () => {
  const recorded = new Set(histories.map(workflowType));
  const missing = Object.keys(healerWorkflows).filter((kind) => !recorded.has(kind));
  // Add a scenario under scripts/histories and run `npm run record-histories -- <scenario>`.
  expect(missing).toEqual([]);
});

test('every recorded history replays without non-determinism', async () => {
  const failures: string[] = [];
  let replayed = 0;
  for await (const result of Worker.runReplayHistories({ workflowBundle: { codePath: bundlePath() } }, histories)) {
    replayed += 1;
    if (result.error) failures.push(`${fileOf.get(result.workflowId)}: ${result.error.message}`);
  }
  expect(failures).toEqual([]);
  expect(replayed).toBe(histories.length);
});

test('the replay check fails on a non-deterministic change to any workflow kind', async () => {
  const quiet = { trace() {}, debug() {}, info() {}, warn() {}, error() {}, log() {} };
  const bundle = await bundleWorkflowCode({
    workflowsPath: require.resolve('./nondeterministic-workflows'),
    logger: quiet,
  });
  const failed = new Map<string | undefined, unknown>();
  for await (const result of Worker.runReplayHistories({ workflowBundle: bundle }, histories))
    failed.set(fileOf.get(result.workflowId), result.error);
  expect([...failed.keys()].sort()).toEqual(histories.map((h) => h.file).sort());
  for (const [file, error] of failed) expect([file, error]).toEqual([file, expect.any(DeterminismViolationError)]);
  expect(new Set(histories.map(workflowType))).toEqual(
    new Set([
      'playSession',
      'incident',
      'watchdog',
      'playbook',
      'budget',
      'modelHealth',
      'ciRunIntake',
      'ciPoller',
      'sessionLogStore',
      'auditMirror',
    ]),
  );
});
