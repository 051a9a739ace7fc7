// Representative playSession runs, recorded for the replay test.
import type { Client } from '@temporalio/client';
import { SessionService } from '../../api/session/sessions';
import { normaliseSessionPayload } from '../../core/session/payload';
import type { Detection } from '../../core/contract';
import {
  agentStartedSignal,
  detectionsSignal,
  endSignal,
  incidentStatusQuery,
  sessionWorkflowId,
  statusQuery,
  toolInventorySignal,
} from '../../core/contract';
import { pause, waitFor, type Recorder, type Scenario } from './scenario';

const payload = (playId: string) =>
  normaliseSessionPayload({
    play_id: playId,
    repository: '5dlabs/cto-demo',
    cto_config: {
      agents: {
        rex: { tools: { remote: ['github_create_pr', 'brave_search'] } },
        cleo: { tools: { remote: ['github_get_pr'] } },
      },
    },
    tasks: [{ id: 1, title: 'Build it', agent_hint: 'rex' }],
  });

const detection = (fingerprint: string, code = 'R2'): Detection => ({
  code,
  severity: code === 'R1' ? 'critical' : 'high',
  priority: 'P2',
  patternId: `${code}.recorded`,
  fingerprint,
  line: `recorded ${code} line`,
  source: 'test',
  observedAt: '2026-01-01T00:00:00.000Z',
  agent: 'rex',
});

async function settle(
  client: Client,
  workflowId: string,
  accept: (v: Awaited<ReturnType<typeof read>>) => boolean,
): Promise<void> {
  for (let i = 0; i < 200; i += 1) {
    if (accept(await read(client, workflowId))) return;
    await pause(50);
  }
  throw new Error(`scenario for ${workflowId} did not settle`);
}
const read = (client: Client, workflowId: string) => client.workflow.getHandle(workflowId).query(statusQuery);

/** A session whose one failure becomes a dry-run incident that escalates; records both histories. */
async function sessionWithDryRunIncident(
  { client, taskQueue, suffix }: Recorder,
  sessionFile: string,
  incidentFile: string,
): Promise<Array<[string, string]>> {
  const input = payload(`rec-incident-${suffix}`);
  await new SessionService(client, { taskQueue, settings: { preflightWindowMs: 60_000 } }).start(input);
  const id = sessionWorkflowId(input.playId);
  const handle = client.workflow.getHandle(id);
  await handle.signal(detectionsSignal, { batchId: 'b1', detections: [detection('crash', 'R1')] });
  await settle(client, id, (v) => v.incidents.length === 1 && v.incidents[0].status !== 'open');
  const incidentId = (await read(client, id)).incidents[0].id;
  await handle.signal(detectionsSignal, { batchId: 'b2', detections: [detection('crash', 'R1')] });
  await settle(client, id, (v) => v.detections.total === 2);
  await client.workflow.getHandle(incidentId).query(incidentStatusQuery);
  await handle.signal(endSignal, { reason: 'recorded' });
  await handle.result();
  await client.workflow.getHandle(incidentId).result();
  return [
    [sessionFile, id],
    [incidentFile, incidentId],
  ];
}

export const sessionScenarios: Scenario[] = [
  {
    name: 'session-detections-and-end',
    async run({ client, taskQueue, suffix }) {
      const input = payload(`rec-basic-${suffix}`);
      await new SessionService(client, { taskQueue, settings: { preflightWindowMs: 60_000 } }).start(input);
      const id = sessionWorkflowId(input.playId);
      const handle = client.workflow.getHandle(id);
      await handle.signal(detectionsSignal, {
        batchId: 'b1',
        detections: [detection('a'), detection('a'), detection('b', 'R1')],
      });
      await handle.signal(detectionsSignal, { batchId: 'b1', detections: [detection('a')] });
      await handle.signal(agentStartedSignal, { agent: 'rex' });
      await handle.signal(toolInventorySignal, { agent: 'rex', tools: ['github_create_pr'] });
      await settle(client, id, (v) => v.detections.total === 4);
      await handle.signal(endSignal, { reason: 'recorded' });
      await handle.result();
      return id;
    },
  },
  {
    name: 'session-preflight-silent',
    async run({ client, taskQueue, suffix }) {
      const input = payload(`rec-silent-${suffix}`);
      await new SessionService(client, { taskQueue, settings: { preflightWindowMs: 300 } }).start(input);
      const id = sessionWorkflowId(input.playId);
      const handle = client.workflow.getHandle(id);
      await handle.signal(agentStartedSignal, { agent: 'cleo' });
      await settle(client, id, (v) => v.alertCodes.includes('A10'));
      await handle.signal(endSignal, { status: 'failed', reason: 'pre-flight failed' });
      await handle.result();
      return id;
    },
  },
  {
    name: 'session-continue-as-new',
    async run({ client, taskQueue, suffix }) {
      const input = payload(`rec-can-${suffix}`);
      const { runId } = await new SessionService(client, {
        taskQueue,
        settings: { preflightWindowMs: 60_000, maxHistoryEvents: 30 },
      }).start(input);
      const id = sessionWorkflowId(input.playId);
      const handle = client.workflow.getHandle(id);
      for (let i = 0; i < 20; i += 1)
        await handle.signal(detectionsSignal, { batchId: `b${i}`, detections: [detection(`fp-${i % 3}`)] });
      await settle(client, id, (v) => v.detections.total === 20 && v.continuedAsNew >= 1);
      await handle.signal(endSignal, {});
      await handle.result();
      // Record the first run: the one that ended by continuing as new.
      return `${id}#${runId}`;
    },
  },
  {
    name: 'session-incident-dry-run',
    run: (recorder) => sessionWithDryRunIncident(recorder, 'session-incident-dry-run', 'incident-dry-run-escalated'),
  },
  {
    // The same, since incidents tell their session of milestones only (incident-milestone-updates).
    name: 'session-milestone-updates',
    run: (recorder) => sessionWithDryRunIncident(recorder, 'session-milestone-updates', 'incident-milestone-updates'),
  },
  {
    // Evidence sent by the evidence clock (session-evidence-clock). The same scenario recorded before:
    // session-evidence-on-timer.json (a timer per wake-up), session-evidence-outbox.json (each wake-up
    // compared the clock).
    name: 'session-evidence-clock',
    async run({ client, taskQueue, suffix }) {
      const input = payload(`rec-evidence-${suffix}`);
      // coderun mode with approval: the incident stays open at the gate while repeats arrive.
      const settings = {
        preflightWindowMs: 60_000,
        evidenceIntervalMs: 500,
        remediationDefaults: { mode: 'coderun', requireApproval: true },
      };
      await new SessionService(client, { taskQueue, settings }).start(input);
      const id = sessionWorkflowId(input.playId);
      const handle = client.workflow.getHandle(id);
      await handle.signal(detectionsSignal, { batchId: 'b1', detections: [detection('loop')] });
      await settle(client, id, (v) => v.incidents.length === 1);
      const incidentId = (await read(client, id)).incidents[0].id;
      const incident = client.workflow.getHandle(incidentId);
      for (let i = 0; (await incident.query(incidentStatusQuery)).step !== 'awaiting-approval'; i += 1) {
        if (i > 200) throw new Error(`${incidentId} never reached the approval gate`);
        await pause(50);
      }
      // The first repeat goes at once, the next ones fold and go when the interval has passed.
      for (let i = 2; i <= 6; i += 1)
        await handle.signal(detectionsSignal, { batchId: `b${i}`, detections: [detection('loop')] });
      await pause(1200);
      // One goes at once; the last is still waiting when the session ends and is flushed then.
      await handle.signal(detectionsSignal, { batchId: 'b7', detections: [detection('loop')] });
      await handle.signal(detectionsSignal, { batchId: 'b8', detections: [detection('loop')] });
      await handle.signal(endSignal, { reason: 'recorded' });
      await handle.result();
      await incident.executeUpdate('reject', { args: [{ by: 'recorder' }] });
      await incident.result();
      return id;
    },
  },
  {
    // One incident slot: the second failure waits (a repeat folds into it) and opens once the first
    // incident has finished (it escalates at once: dry-run GitHub, no model key).
    name: 'session-deferred-opens',
    async run({ client, taskQueue, suffix }) {
      const input = payload(`rec-deferred-${suffix}`);
      await new SessionService(client, {
        taskQueue,
        settings: { preflightWindowMs: 60_000, maxOpenIncidents: 1 },
      }).start(input);
      const id = sessionWorkflowId(input.playId);
      const handle = client.workflow.getHandle(id);
      await handle.signal(detectionsSignal, {
        batchId: 'b1',
        detections: [detection('first'), detection('waits', 'R1')],
      });
      await handle.signal(detectionsSignal, { batchId: 'b2', detections: [detection('waits', 'R1')] });
      await waitFor(
        'the waiting failure to open and both incidents to finish',
        () => read(client, id),
        (v) => v.incidents.length === 2 && v.incidents.every((i) => i.status !== 'open'),
      );
      await handle.signal(endSignal, { reason: 'recorded' });
      await handle.result();
      return id;
    },
  },
];
