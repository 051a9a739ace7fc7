// Recorded workflow histories (test/histories/<workflow>-<scenario>.json) used by the replay test.
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { HistoryAndWorkflowId } from '@temporalio/client';
import { execFileSync } from 'node:child_process';
import { historyFromJSON } from '@temporalio/common/lib/proto-utils';
import { projectRoot } from '../../runtime/paths';

export const historiesDir = (): string => join(projectRoot(), 'test', 'histories');

/** Exports one run's history with the Temporal CLI, in the standard JSON that historyFromJSON reads. */
export function exportHistory(
  binary: string,
  address: string,
  name: string,
  workflowId: string,
  runId?: string,
): string {
  const args = ['workflow', 'show', '--address', address, '--workflow-id', workflowId, '--output', 'json'];
  if (runId) args.push('--run-id', runId);
  const json = JSON.parse(execFileSync(binary, args, { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 }));
  const path = join(historiesDir(), `${name}.json`);
  writeFileSync(path, `${JSON.stringify(json, null, 1)}\n`);
  return path;
}

/**
 * Every recorded history, replayed under the workflow id it ran with (the watchdog names its playbook
 * children after its own id); histories that do not carry it replay under their file name.
 */
export function loadHistories(
  dir = historiesDir(),
): Array<HistoryAndWorkflowId & { file: string; history: ReturnType<typeof historyFromJSON> }> {
  return readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((file) => {
      const history = historyFromJSON(JSON.parse(readFileSync(join(dir, file), 'utf8')));
      const started = history.events?.[0]?.workflowExecutionStartedEventAttributes;
      return { file, workflowId: started?.workflowId || file.replace(/\.json$/, ''), history };
    });
}
