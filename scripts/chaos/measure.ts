// What a chaos run did, from the outside: incidents finished and how (Temporal), duplicates of GitHub
// effects (the fake GitHub's own records), and acknowledged detections missing from (or counted twice
// in) the sessions. The fakes always answer well, so every escalation in a run is an infrastructure one.
import type { Client } from '@temporalio/client';
import { incidentMarker } from '../../core/incident/render';
import { sessionWorkflowId, statusQuery, type IncidentView } from '../../core/contract';
import type { FakeGitHub } from '../../test/fakes/github';
import { eventually } from '../../test/support/temporal';
import { summarize } from '../bench/stats';
import type { ChaosSession, Pusher } from './workload';

export interface RunMeasures {
  incidents: {
    expected: number;
    started: number;
    finished: number;
    byStatus: Record<string, number>;
    escalatedForInfrastructure: number;
    escalationReasons: string[];
  };
  /** Start to close of each finished incident. */
  durationMs: ReturnType<typeof summarize>;
  duplicates: { issues: number; pullRequests: number; branches: number; comments: number };
  lines: {
    pushes: number;
    acknowledgedPushes: number;
    unacknowledgedPushes: number;
    retriedAttempts: number;
    acknowledgedDetections: number;
    appliedDetections: number;
    /** Acknowledged (202) but missing from the session. */
    lost: number;
    /** In the session beyond what was acknowledged: a retried push applied twice, or one never acknowledged. */
    appliedBeyondAcknowledged: number;
  };
}

/** Reads once Temporal (and a worker) answer again; the last answer even if `accept` never held. */
const patiently = <T>(read: () => Promise<T>, accept: (value: T) => boolean, timeoutMs: number): Promise<T> =>
  eventually(read, accept, timeoutMs).catch(read);

interface IncidentRecord {
  id: string;
  closed: boolean;
  durationMs?: number;
}

async function listIncidents(client: Client): Promise<IncidentRecord[]> {
  const incidents: IncidentRecord[] = [];
  for await (const e of client.workflow.list({ query: `WorkflowType = 'incident'` })) {
    const closed = e.status.name !== 'RUNNING';
    incidents.push({
      id: e.workflowId,
      closed,
      ...(closed && e.closeTime ? { durationMs: e.closeTime.getTime() - e.startTime.getTime() } : {}),
    });
  }
  return incidents;
}

function duplicates(github: FakeGitHub, repo: string, ids: string[]): RunMeasures['duplicates'] {
  const extra = (count: number) => Math.max(0, count - 1);
  const issues = github.issues(repo);
  const pulls = github.pulls(repo);
  const branches = github.branches(repo);
  const result = { issues: 0, pullRequests: 0, branches: 0, comments: 0 };
  for (const id of ids) {
    result.issues += extra(issues.filter((i) => i.body.includes(incidentMarker(id))).length);
    result.pullRequests += extra(pulls.filter((p) => p.pull?.head.includes(id)).length);
    result.branches += extra(branches.filter((b) => b.includes(id)).length);
  }
  for (const item of [...issues, ...pulls]) {
    const bodies = item.comments.map((c) => c.body);
    result.comments += bodies.length - new Set(bodies).size;
  }
  return result;
}

export async function measureRun(
  client: Client,
  github: FakeGitHub,
  repo: string,
  sessions: ChaosSession[],
  pusher: Pusher,
  expected: number,
): Promise<RunMeasures> {
  const incidents = await patiently(
    () => listIncidents(client),
    () => true,
    60_000,
  );
  const byStatus: Record<string, number> = {};
  const escalationReasons: string[] = [];
  for (const incident of incidents.filter((i) => i.closed)) {
    const view = await patiently(
      () => client.workflow.getHandle(incident.id).result() as Promise<IncidentView>,
      () => true,
      30_000,
    ).catch(() => undefined);
    const status = view?.status ?? 'failed';
    byStatus[status] = (byStatus[status] ?? 0) + 1;
    if (status === 'escalated') escalationReasons.push(`${incident.id}: ${view?.reason ?? 'no reason given'}`);
  }
  const open = incidents.filter((i) => !i.closed).length;
  if (open) byStatus.open = open;

  let applied = 0;
  let lost = 0;
  let twice = 0;
  for (const session of sessions) {
    const view = await patiently(
      () => client.workflow.getHandle(sessionWorkflowId(session.playId)).query(statusQuery),
      (v) => v.detections.total >= session.acknowledged,
      60_000,
    );
    applied += view.detections.total;
    lost += Math.max(0, session.acknowledged - view.detections.total);
    twice += Math.max(0, view.detections.total - session.acknowledged);
  }

  const durations = incidents.flatMap((i) => (i.durationMs !== undefined ? [i.durationMs] : []));
  return {
    incidents: {
      expected,
      started: incidents.length,
      finished: incidents.filter((i) => i.closed).length,
      byStatus,
      escalatedForInfrastructure: escalationReasons.length,
      escalationReasons,
    },
    durationMs: summarize(durations),
    duplicates: duplicates(
      github,
      repo,
      incidents.map((i) => i.id),
    ),
    lines: {
      pushes: pusher.pushes,
      acknowledgedPushes: pusher.acknowledgedPushes,
      unacknowledgedPushes: pusher.unacknowledged,
      retriedAttempts: pusher.retried,
      acknowledgedDetections: sessions.reduce((n, s) => n + s.acknowledged, 0),
      appliedDetections: applied,
      lost,
      appliedBeyondAcknowledged: twice,
    },
  };
}
