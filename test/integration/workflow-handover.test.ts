// A worker SIGKILLed, as `healer dev`'s supervisor sees it exit: the workflows it had cached would have
// their next tasks sent to its dead sticky queue, to wait out the sticky timeout. Handed over
// (runtime/workflow-handover.ts), their next tasks go straight to the shared queue. Checked in the
// workflows' histories: the task of a signal sent before the hand-over times out on the dead queue; the
// one sent after is scheduled on the shared queue and never times out.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Worker } from '@temporalio/worker';
import { temporal } from '@temporalio/proto';
import { SessionService } from '../../api/session/sessions';
import { sessionWorkflowId } from '../../core/contract';
import { handOverWorkflows } from '../../runtime/workflow-handover';
import { sampleInput } from '../support/sessions';
import {
  closeTestConnections,
  createTestWorker,
  eventually,
  testAddress,
  testClient,
  uniqueId,
  uniqueTaskQueue,
} from '../support/temporal';
import { startWorkerProcess, type WorkerProcess } from '../support/worker-process';

jest.setTimeout(120_000);
afterAll(() => closeTestConnections());

type HistoryEvent = temporal.api.history.v1.IHistoryEvent;
const { EventType, TaskQueueKind, TimeoutType } = temporal.api.enums.v1;

async function history(workflowId: string): Promise<HistoryEvent[]> {
  const client = await testClient();
  return (await client.workflow.getHandle(workflowId).fetchHistory()).events ?? [];
}

/** The workflow tasks after the first signal: where each was scheduled, and how many timed out before starting. */
function tasksAfterSignal(events: HistoryEvent[]): { kinds: number[]; scheduleToStartTimeouts: number } {
  const after = events.slice(events.findIndex((e) => e.eventType === EventType.EVENT_TYPE_WORKFLOW_EXECUTION_SIGNALED));
  return {
    kinds: after
      .filter((e) => e.eventType === EventType.EVENT_TYPE_WORKFLOW_TASK_SCHEDULED)
      .map((e) => e.workflowTaskScheduledEventAttributes?.taskQueue?.kind ?? 0),
    scheduleToStartTimeouts: after.filter(
      (e) =>
        e.eventType === EventType.EVENT_TYPE_WORKFLOW_TASK_TIMED_OUT &&
        e.workflowTaskTimedOutEventAttributes?.timeoutType === TimeoutType.TIMEOUT_TYPE_SCHEDULE_TO_START,
    ).length,
  };
}

describe('handing a killed worker’s workflows over', () => {
  const taskQueue = uniqueTaskQueue('handover');
  let child: WorkerProcess | undefined;
  let worker: Worker | undefined;
  let running: Promise<void> | undefined;

  afterAll(async () => {
    child?.kill('SIGKILL');
    worker?.shutdown();
    await running;
  });

  test('a signal after the hand-over is scheduled on the shared queue; one before it waits on the dead one', async () => {
    child = startWorkerProcess({
      address: testAddress(),
      taskQueue,
      identity: uniqueId('handover-worker'),
      bundlePath: process.env.HEALER_TEST_WORKFLOW_BUNDLE!,
      stateDir: mkdtempSync(join(tmpdir(), 'healer-handover-')),
    });
    await child.said('ready');
    const sessions = new SessionService(await testClient(), { taskQueue });
    const [before, after] = [uniqueId('handover-before'), uniqueId('handover-after')];
    for (const playId of [before, after]) await sessions.start(sampleInput(playId));
    // Both have run a task on the child, so their next tasks are meant for its sticky queue.
    for (const playId of [before, after])
      await eventually(
        () => history(sessionWorkflowId(playId)),
        (events) => events.some((e) => e.eventType === EventType.EVENT_TYPE_WORKFLOW_TASK_COMPLETED),
      );

    child.kill('SIGKILL');
    await child.exited;
    await sessions.end(before);
    const handover = await handOverWorkflows(await testClient(), taskQueue);
    expect(handover).toMatchObject({ workflows: 2, errors: 0 });
    await sessions.end(after);

    worker = await createTestWorker({ taskQueue });
    running = worker.run();
    const [waited, handedOver] = await Promise.all(
      [before, after].map((playId) =>
        eventually(
          async () => tasksAfterSignal(await history(sessionWorkflowId(playId))),
          (tasks) => tasks.kinds.includes(TaskQueueKind.TASK_QUEUE_KIND_NORMAL),
        ),
      ),
    );
    expect(waited).toMatchObject({ scheduleToStartTimeouts: 1 });
    expect(waited.kinds[0]).toBe(TaskQueueKind.TASK_QUEUE_KIND_STICKY);
    expect(handedOver).toEqual({ kinds: [TaskQueueKind.TASK_QUEUE_KIND_NORMAL], scheduleToStartTimeouts: 0 });
  });
});
