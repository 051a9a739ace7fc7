// Runs of the incident-context behaviour, recorded for the replay test: the pre-flight checklist raising
// what fails (session), an incident told on Discord at detection, gathering after its window and linking
// to the one it shares a root cause with (incident), and the pushed-lines store continuing as new.
import type { Client } from '@temporalio/client';
import { SessionService } from '../../api/session/sessions';
import { appendToLogStore } from '../../api/session/log-store';
import { normaliseSessionPayload } from '../../core/session/payload';
import {
  agentReadySignal,
  agentStartedSignal,
  detectionsSignal,
  endSignal,
  incidentStatusQuery,
  logStoreWorkflowId,
  sessionWorkflowId,
  statusQuery,
  toolInventorySignal,
  type Detection,
  type SessionInput,
} from '../../core/contract';
import { continuedRun, currentRunId, pause, waitFor, type Scenario } from './scenario';

const input = (playId: string, ctoConfig: Record<string, unknown> = {}): SessionInput =>
  normaliseSessionPayload({
    play_id: playId,
    repository: '5dlabs/cto-demo',
    cto_config: {
      agents: {
        rex: { tools: { remote: ['github_create_pr', 'brave_search'] } },
        cleo: { tools: { remote: ['github_get_pr'] } },
      },
      ...ctoConfig,
    },
    tasks: [{ id: 1, title: 'Build it', agent_hint: 'rex' }],
  });

const failure = (agent: string, code: string, line: string, fingerprint: string): Detection => ({
  code,
  severity: 'high',
  priority: code.startsWith('A') ? 'P1' : 'P2',
  patternId: `${code}.recorded`,
  fingerprint,
  line,
  source: 'http',
  observedAt: new Date().toISOString(),
  agent,
});

const view = (client: Client, workflowId: string) => client.workflow.getHandle(workflowId).query(statusQuery);

export const contextScenarios: Scenario[] = [
  {
    name: 'session-preflight-checklist',
    async run({ client, taskQueue, suffix }) {
      const session = input(`rec-checklist-${suffix}`, { defaults: { preflight: { unknownIs: 'fail' } } });
      await new SessionService(client, { taskQueue, settings: { preflightWindowMs: 1500 } }).start(session);
      const id = sessionWorkflowId(session.playId);
      const handle = client.workflow.getHandle(id);
      await handle.signal(agentStartedSignal, { agent: 'rex' });
      await handle.signal(agentStartedSignal, { agent: 'cleo' });
      await handle.signal(agentReadySignal, { agent: 'rex', taskId: '1', checks: { templateLoaded: false } });
      await handle.signal(toolInventorySignal, { agent: 'rex', tools: ['github_create_pr'] });
      await handle.signal(toolInventorySignal, { agent: 'cleo', tools: ['github_get_pr'] });
      await handle.signal(detectionsSignal, {
        batchId: 'down',
        detections: ['rex', 'cleo'].map((agent) =>
          failure(agent, 'A12', 'tools-server unreachable: connection refused', `a12-${agent}`),
        ),
      });
      await waitFor(
        'the checklist closed with its P0',
        () => view(client, id),
        (v) =>
          v.agents.every((a) => a.preflight && !Object.values(a.preflight).some((c) => c.state === 'pending')) &&
          v.fingerprints.some((f) => f.fingerprint === 'preflight-all-agents-toolsserver'),
      );
      await handle.signal(endSignal, { reason: 'recorded' });
      await handle.result();
      return id;
    },
  },
  {
    name: 'incident-linked-shared-cause',
    async run({ client, taskQueue, suffix }) {
      const session = input(`rec-linked-${suffix}`);
      await new SessionService(client, {
        taskQueue,
        settings: { contextWindow: { beforeSecs: 300, afterSecs: 1, maxLines: 200, maxBytes: 16_384 } },
      }).start(session);
      const id = sessionWorkflowId(session.playId);
      const handle = client.workflow.getHandle(id);
      const pushedAt = new Date().toISOString();
      await appendToLogStore(client, {
        playId: session.playId,
        lines: ['ERROR connection refused to tools-server:8080'],
        labels: { agent: 'rex' },
        pushedAt,
        idPrefix: 'rec',
        taskQueue,
      });
      const rex = failure('rex', 'R2', 'ERROR connection refused to tools-server:8080', 'r2-rex');
      await handle.signal(detectionsSignal, { batchId: 'rex', detections: [rex] });
      await pause(1000);
      const cleo = failure('cleo', 'A12', 'MCP server failed to initialize: tools-server:8080', 'a12-cleo');
      await handle.signal(detectionsSignal, { batchId: 'cleo', detections: [cleo] });
      const opened = await waitFor(
        'both incidents',
        () => view(client, id),
        (v) => v.incidents.length === 2,
      );
      const linked = opened.incidents.find((i) => i.code === 'A12')!.id;
      await waitFor(
        'the later incident linked',
        () => client.workflow.getHandle(linked).query(incidentStatusQuery),
        (v) => v.status !== 'open',
      );
      await handle.signal(endSignal, { reason: 'recorded' });
      await handle.result();
      return linked;
    },
  },
  {
    // One idle timer (log-store-idle-timer); sessionLogStore-continue-as-new.json is the same scenario
    // recorded before, with a timer per append.
    name: 'sessionLogStore-idle-continue-as-new',
    async run({ client, taskQueue, suffix }) {
      const playId = `rec-logs-${suffix}`;
      const append = (n: number) =>
        appendToLogStore(client, {
          playId,
          lines: [`INFO line ${n}`, `ERROR line ${n} failed`],
          labels: { agent: 'rex', pod: 'rex-0' },
          pushedAt: new Date().toISOString(),
          idPrefix: `rec-${n}`,
          taskQueue,
        });
      await append(0);
      const workflowId = logStoreWorkflowId(playId);
      const firstRun = await currentRunId(client, workflowId);
      // Enough appends for the server to suggest continue-as-new (at 120 events when recording).
      for (let n = 1; n <= 150; n++) await append(n);
      return continuedRun(client, workflowId, firstRun);
    },
  },
];
