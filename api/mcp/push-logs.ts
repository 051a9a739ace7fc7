// Pushed log lines (HTTP API and MCP): the scanner's own matcher attributes and matches them, the
// Temporal delivery signals each target session (or its platform session when the play session is not
// running: nothing is dropped), and tool-inventory lines reach the session's pre-flight check.
import { randomUUID } from 'node:crypto';
import type { Client } from '@temporalio/client';
import { createTemporalDelivery } from '../../scanner/deliver';
import { detectPushedLines } from '../../scanner/pipeline';
import { toolInventorySignal } from '../../core/contract';
import type { LogLabels, McpDeps } from './server';

export interface PushOptions {
  /** A caller-chosen key (e.g. an Idempotency-Key header): the same key and lines are applied once. */
  idempotencyKey?: string;
}

export function createPushLogs(client: Client, opts: { taskQueue?: string } = {}) {
  const deliver = createTemporalDelivery(client, opts);
  const push = async (playId: string, lines: string[], labels: LogLabels, pushOptions: PushOptions = {}) => {
    const pushLabels: Record<string, string> = {};
    for (const [key, value] of Object.entries(labels)) if (value) pushLabels[key] = value;
    const groups = detectPushedLines(lines, pushLabels, { playId, observedAt: new Date().toISOString() });
    const delivered: Array<{ workflowId: string; batchId: string; detections: number; codes: string[] }> = [];
    let inventories = 0;
    for (const [index, { target, detections, toolInventories }] of groups.entries()) {
      if (detections.length) {
        const batchId = pushOptions.idempotencyKey
          ? `push-${pushOptions.idempotencyKey}-${index}`
          : `push-${randomUUID()}`;
        await deliver(target, { batchId, detections });
        delivered.push({
          workflowId: target.workflowId,
          batchId,
          detections: detections.length,
          codes: [...new Set(detections.map((d) => d.code))].sort(),
        });
      }
      if (target.kind === 'session') {
        for (const inventory of toolInventories) {
          await client.workflow.getHandle(target.workflowId).signal(toolInventorySignal, inventory);
          inventories += 1;
        }
      }
    }
    return {
      playId,
      lines: lines.length,
      detections: delivered.reduce((n, d) => n + d.detections, 0),
      toolInventories: inventories,
      batches: delivered,
    };
  };
  return push satisfies NonNullable<McpDeps['pushLogs']>;
}

export type PushLogs = ReturnType<typeof createPushLogs>;
