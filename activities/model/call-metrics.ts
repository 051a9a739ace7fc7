// Each model attempt the gateway records (ok, failed or skipped) also counts in the LLM worker's metrics:
// attempts by provider, model, outcome (ok, error, skipped) and reason (the error class or why it was
// skipped), tokens and spend.
import { healerMetrics, type HealerMetrics } from '../../runtime/metrics';
import type { CallLogEntry } from './call-log';

export function countModelCall(entry: CallLogEntry, metrics: HealerMetrics = healerMetrics()): void {
  const provider = entry.provider ?? 'unknown';
  const model = entry.model;
  metrics.modelCalls.inc({ provider, model, outcome: entry.outcome, reason: entry.errorClass ?? '' });
  if (entry.inputTokens > 0) metrics.modelTokens.inc({ provider, model, direction: 'input' }, entry.inputTokens);
  if (entry.outputTokens > 0) metrics.modelTokens.inc({ provider, model, direction: 'output' }, entry.outputTokens);
  if (entry.costUsd > 0) metrics.modelSpendUsd.inc({ provider, model }, entry.costUsd);
}
