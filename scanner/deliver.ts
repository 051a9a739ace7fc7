// Sends detection batches to their session workflow as the `detections` signal. Platform sessions are
// started on demand with signal-with-start; a batch for a play session that does not exist (never
// started, or already closed) goes to the platform session of its namespace instead: nothing is dropped.
import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import { platformSessionInput } from '../core/contract';
import { detectionsSignal, TASK_QUEUE, type DetectionBatch } from '../core/contract';
import { platformTarget, type Target } from './attribution';
import type { DeliverFn } from './batcher';
import { countDeliveries } from './scan-metrics';
import { withSpan } from '../runtime/tracing';

export interface TemporalDeliveryOptions {
  taskQueue?: string;
  log?: (message: string) => void;
}

export function createTemporalDelivery(client: Client, opts: TemporalDeliveryOptions = {}): DeliverFn {
  const taskQueue = opts.taskQueue ?? TASK_QUEUE;
  const toPlatform = async (target: Target, batch: DetectionBatch): Promise<void> => {
    const platform = platformTarget(target.namespace);
    await client.workflow.signalWithStart('playSession', {
      workflowId: platform.workflowId,
      taskQueue,
      args: [{ session: platformSessionInput(target.namespace) }],
      signal: detectionsSignal,
      signalArgs: [batch],
    });
  };
  const send: DeliverFn = async (target, batch) => {
    if (target.kind === 'platform') return toPlatform(target, batch);
    try {
      await client.workflow.getHandle(target.workflowId).signal(detectionsSignal, batch);
    } catch (error) {
      if (!(error instanceof WorkflowNotFoundError)) throw error;
      opts.log?.(
        `${target.workflowId} is not running; sending ${batch.detections.length} detection(s) to ${platformTarget(target.namespace).workflowId}`,
      );
      await toPlatform(target, batch);
    }
  };
  // One span per batch (tracing on): the signal it sends continues the trace into the session.
  return countDeliveries((target, batch) =>
    withSpan(
      'deliver detections',
      {
        'healer.workflow_id': target.workflowId,
        'healer.batch_id': batch.batchId,
        'healer.detections': batch.detections.length,
      },
      () => send(target, batch),
    ),
  );
}
