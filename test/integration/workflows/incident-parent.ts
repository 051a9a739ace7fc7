// Test bundle: the incident workflow plus a minimal stand-in for the session (its parent) that starts it
// with `incidentChildOptions` and collects the `incidentUpdate` signals, exactly as the session should.
import { condition, defineQuery, setHandler, startChild } from '@temporalio/workflow';
import { incidentChildOptions } from '../../../workflows/incident/incident';
import { incidentUpdateSignal, type IncidentInput } from '../../../core/contract';
import type { IncidentSummary } from '../../../core/contract';

export { incident } from '../../../workflows/incident/incident';

export const updatesQuery = defineQuery<IncidentSummary[]>('updates');

/** Starts the incident child and returns as soon as it is running (the child outlives it: ABANDON). */
export async function parentOfIncident(
  input: IncidentInput,
  waitForFinal: boolean,
  taskQueue: string,
): Promise<IncidentSummary[]> {
  const updates: IncidentSummary[] = [];
  setHandler(incidentUpdateSignal, (s) => void updates.push(s));
  setHandler(updatesQuery, () => updates);
  await startChild('incident', incidentChildOptions(input, taskQueue));
  if (waitForFinal) await condition(() => updates.some((u) => u.status !== 'open'));
  return updates;
}
