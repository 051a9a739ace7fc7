// Pushed log lines (HTTP API and MCP): the scanner's own matcher attributes and matches them, the
// Temporal delivery signals each target session (or its platform session when the play session is not
// running: nothing is dropped), and tool-inventory lines reach the session's pre-flight check.
// However large the push, each signal stays under Temporal's payload limit: repeats are folded and the
// rest is cut into batches (core/detection/signal-batches.ts), each with its own batch id. The push
// answers only after every batch is delivered, so a line answered 202 is in the session.
import { randomUUID } from 'node:crypto';
import type { Client } from '@temporalio/client';
import { createTemporalDelivery } from '../../scanner/deliver';
import { detectPushedLines } from '../../scanner/pipeline';
import { ScanMeter } from '../../scanner/scan-metrics';
import { foldByFingerprint, splitBySize } from '../../core/detection';
import {
  occurrencesOf,
  sanitiseLine,
  toolInventorySignal,
  type Detection,
  type ToolInventorySignal,
} from '../../core/contract';
import type { LogLabels, McpDeps } from './server';
import { appendToLogStore } from '../session/log-store';

export interface PushOptions {
  /** A caller-chosen key (e.g. an Idempotency-Key header): the same key and lines are applied once. */
  idempotencyKey?: string;
}

const occurrences = (detections: Detection[]) => detections.reduce((n, d) => n + occurrencesOf(d), 0);

/** An inventory replaces the agent's previous one, so only the last of each agent in a push matters. */
function lastPerAgent(inventories: ToolInventorySignal[]): ToolInventorySignal[] {
  return [...new Map(inventories.map((inventory) => [inventory.agent, inventory])).values()];
}

export function createPushLogs(client: Client, opts: { taskQueue?: string } = {}) {
  const deliver = createTemporalDelivery(client, opts);
  const push = async (playId: string, lines: string[], labels: LogLabels, pushOptions: PushOptions = {}) => {
    const pushLabels: Record<string, string> = {};
    for (const [key, value] of Object.entries(labels)) if (value) pushLabels[key] = value;
    const pushedAt = new Date().toISOString();
    // Control characters and unpaired surrogates would reach logs and issue titles raw.
    const safeLines = lines.map(sanitiseLine);
    const groups = detectPushedLines(safeLines, pushLabels, { playId, observedAt: pushedAt });
    ScanMeter.pushed(lines.length);
    // Ids are deterministic under an idempotency key (a retry re-sends the same batches), unique otherwise.
    const idPrefix = `push-${pushOptions.idempotencyKey ?? randomUUID()}`;
    // Every line (not only detections) is kept for the log windows of the session's incidents.
    const stored = appendToLogStore(client, {
      playId,
      lines: safeLines,
      labels: pushLabels,
      pushedAt,
      idPrefix,
      ...opts,
    });
    stored.catch(() => undefined); // awaited below; a delivery failure first must not leave it unhandled
    const delivered: Array<{ workflowId: string; batchId: string; detections: number; codes: string[] }> = [];
    let inventories = 0;
    for (const [index, { target, detections, toolInventories }] of groups.entries()) {
      for (const [part, batch] of splitBySize(foldByFingerprint(detections)).entries()) {
        const batchId = `${idPrefix}-${index}-${part}`;
        await deliver(target, { batchId, detections: batch });
        delivered.push({
          workflowId: target.workflowId,
          batchId,
          detections: occurrences(batch),
          codes: [...new Set(batch.map((d) => d.code))].sort(),
        });
      }
      if (target.kind === 'session') {
        for (const inventory of lastPerAgent(toolInventories)) {
          await client.workflow.getHandle(target.workflowId).signal(toolInventorySignal, inventory);
          inventories += 1;
        }
      }
    }
    await stored;
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
