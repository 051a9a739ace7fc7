// How a workflow must schedule generateStructured (healing chain: proxyActivities(generateStructuredOptions())).
// The gateway's chain relies on these: retries are unlimited in count because the activity itself ends
// the chain (with a result) at its deadline, and it sets every backoff through nextRetryDelay; the
// retry policy's own intervals only apply when a worker dies mid-attempt.
import type { ActivityOptions } from '@temporalio/common';
import { LLM_TASK_QUEUE } from '../contract';
import { HEARTBEAT_TIMEOUT } from '../heartbeat-timing';

export interface GenerateStructuredTimeouts {
  /** Must match the gateway's chainDeadlineMs (default 120 s). */
  chainDeadlineMs: number;
  /** Must match the gateway's callTimeoutMs (default 30 s). */
  callTimeoutMs: number;
}

export function generateStructuredOptions(
  timeouts: GenerateStructuredTimeouts = { chainDeadlineMs: 120_000, callTimeoutMs: 30_000 },
): ActivityOptions {
  return {
    taskQueue: LLM_TASK_QUEUE,
    // One attempt may call several models back to back (no waits in between), all within the chain deadline.
    startToCloseTimeout: timeouts.chainDeadlineMs + timeouts.callTimeoutMs,
    // The gateway heartbeats while it waits (on a model, on the budget and breaker workflows): an attempt
    // lost with a killed worker is retried after this, not after the whole start-to-close timeout.
    heartbeatTimeout: HEARTBEAT_TIMEOUT,
    // Hard stop above the chain deadline, should a worker keep dying.
    scheduleToCloseTimeout: timeouts.chainDeadlineMs * 2 + timeouts.callTimeoutMs,
    // Provider back-offs come from nextRetryDelay; these intervals only space attempts lost with their
    // worker, which the next worker can take at once: a short cap, not the SDK's minute.
    retry: { initialInterval: '500ms', backoffCoefficient: 2, maximumInterval: '2s' },
  };
}
