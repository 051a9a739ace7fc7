import { bundleWorkflowCode, Worker } from '@temporalio/worker';
import { DeterminismViolationError } from '@temporalio/workflow';
import { loadHistories } from '../../scripts/histories/files';

const histories = loadHistories();
const bundlePath = () => {
  const path = process.env.HEALER_TEST_WORKFLOW_BUNDLE;
  if (!path) throw new Error('the global setup did not build the workflow bundle');
  return path;
};

test('there are recorded histories to replay', () => {
  expect(histories.map((h) => h.file)).toEqual(
    expect.arrayContaining([
      'session-detections-and-end.json',
      'session-preflight-silent.json',
      'session-continue-as-new.json',
      'session-incident-dry-run.json',
      'incident-dry-run-escalated.json',
      'playbook-mutual-restart.json',
      'playbook-emergency.json',
      // Recorded before sessions opened incidents: they replay through the patched() old path.
      'session-before-incidents-detections-and-end.json',
    ]),
  );
});

test('every recorded history replays without non-determinism', async () => {
  const failures: string[] = [];
  let replayed = 0;
  for await (const result of Worker.runReplayHistories({ workflowBundle: { codePath: bundlePath() } }, histories)) {
    replayed += 1;
    if (result.error) failures.push(`${result.workflowId}: ${result.error.message}`);
  }
  expect(failures).toEqual([]);
  expect(replayed).toBe(histories.length);
});

test('the replay check fails on a non-deterministic change to playSession', async () => {
  const quiet = { trace() {}, debug() {}, info() {}, warn() {}, error() {}, log() {} };
  const bundle = await bundleWorkflowCode({
    workflowsPath: require.resolve('./nondeterministic-session'),
    logger: quiet,
  });
  const sessionHistories = histories.filter((h) => h.file.startsWith('session-'));
  const errors: unknown[] = [];
  for await (const result of Worker.runReplayHistories({ workflowBundle: bundle }, sessionHistories))
    errors.push(result.error);
  expect(errors).toHaveLength(sessionHistories.length);
  for (const error of errors) expect(error).toBeInstanceOf(DeterminismViolationError);
});
