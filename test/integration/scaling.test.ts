// Horizontal scaling on the suite's real dev server: two main-worker PROCESSES share one task queue.
//  - work spreads across both (seen in the histories: which worker identity ran which task);
//  - SIGKILL one while incidents wait on pending CI: the other finishes every incident, with exactly
//    one issue and one PR each on the fake GitHub;
//  - SIGTERM a worker while an activity is in flight: it drains (the activity completes, attempt 1)
//    before the process exits.
// The model gateway is a thin stand-in in this process on its own queue (only the main queue scales here).
import { mkdtempSync } from 'node:fs';
import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { WorkflowHandle } from '@temporalio/client';
import type { Worker } from '@temporalio/worker';
import { incidentMarker, remediationBranch } from '../../core/incident/render';
import { incidentWorkflowId } from '../../core/contract';
import { incidentStatusQuery, type IncidentInput, type IncidentView } from '../../core/contract';
import { startFakeGemini, type FakeGemini } from '../fakes/gemini';
import { startFakeGitHub, type FakeGitHub, type FakeGitHubOptions } from '../fakes/github';
import { EVAL_MODEL, PATCH_MODEL, thinGateway } from '../fakes/model-gateway';
import { detection, goodEvaluation, goodPatch } from './incident-harness';
import {
  closeTestConnections,
  createTestWorker,
  eventually,
  testAddress,
  testClient,
  uniqueId,
  uniqueTaskQueue,
} from '../support/temporal';
import { startWorkerProcess, type WorkerProcess } from '../support/worker-process';

jest.setTimeout(120_000);

const REPO = 'acme/app';
const INCIDENTS = 8;

/**
 * A pass-through proxy in front of the fake GitHub that can hold matching requests until released,
 * so a test knows an activity is in flight (its HTTP call is waiting here).
 */
interface Gate {
  url: string;
  hold(match: (method: string, path: string) => boolean): void;
  held(): number;
  release(): void;
  stop(): Promise<void>;
}

async function startGate(target: string): Promise<Gate> {
  let match: ((method: string, path: string) => boolean) | undefined;
  const waiting: Array<() => void> = [];
  const upstream = new URL(target);
  const server: Server = createServer((req, res) => {
    const forward = (): void => {
      const up = request(
        {
          host: upstream.hostname,
          port: upstream.port,
          method: req.method,
          path: req.url,
          headers: { ...req.headers, host: upstream.host },
        },
        (r) => {
          res.writeHead(r.statusCode ?? 502, r.headers);
          r.pipe(res);
        },
      );
      up.on('error', (e) => res.writeHead(502).end(String(e)));
      req.pipe(up);
    };
    if (match?.(req.method ?? 'GET', req.url ?? '/')) waiting.push(forward);
    else forward();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    hold: (m) => void (match = m),
    held: () => waiting.length,
    release() {
      match = undefined;
      for (const go of waiting.splice(0)) go();
    },
    async stop() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

// ── what the histories say about who ran what ──────────────────────────────────────────────────────

interface ActivityRun {
  type: string;
  identity: string;
  attempt: number;
  completed: boolean;
}
interface Ran {
  activities: ActivityRun[];
  /** Identities of the workers that completed workflow tasks, in order. */
  workflowTasks: string[];
  timeouts: number;
}

async function whoRan(handle: WorkflowHandle): Promise<Ran> {
  const events = (await handle.fetchHistory()).events ?? [];
  const scheduled = new Map<number, string>();
  const runs = new Map<number, ActivityRun>();
  const ran: Ran = { activities: [], workflowTasks: [], timeouts: 0 };
  for (const e of events) {
    const id = Number(e.eventId);
    if (e.activityTaskScheduledEventAttributes)
      scheduled.set(id, e.activityTaskScheduledEventAttributes.activityType?.name ?? '?');
    const started = e.activityTaskStartedEventAttributes;
    if (started) {
      const run = {
        type: scheduled.get(Number(started.scheduledEventId)) ?? '?',
        identity: started.identity ?? '',
        attempt: started.attempt ?? 0,
        completed: false,
      };
      runs.set(Number(started.scheduledEventId), run);
      ran.activities.push(run);
    }
    const completed = e.activityTaskCompletedEventAttributes;
    if (completed) runs.get(Number(completed.scheduledEventId))!.completed = true;
    if (e.activityTaskTimedOutEventAttributes) ran.timeouts += 1;
    if (e.workflowTaskCompletedEventAttributes)
      ran.workflowTasks.push(e.workflowTaskCompletedEventAttributes.identity ?? '');
  }
  return ran;
}

describe('two worker processes on one task queue', () => {
  // The options object is kept: CI stays "in progress" until the test sets ciPendingPolls to 0.
  const githubOptions: FakeGitHubOptions = {
    files: { 'src/lib.rs': 'pub fn load() -> u32 { None.unwrap() }\n' },
    ciPendingPolls: Number.MAX_SAFE_INTEGER,
  };
  const taskQueue = uniqueTaskQueue('scale');
  const llmTaskQueue = uniqueTaskQueue('scale-llm');
  const stateDir = mkdtempSync(join(tmpdir(), 'healer-scaling-'));
  const processes: WorkerProcess[] = [];
  let github: FakeGitHub;
  let gemini: FakeGemini;
  let gate: Gate;
  let llm: { worker: Worker; running: Promise<void> };

  const spawnWorker = (queue: string, identity: string): WorkerProcess => {
    const p = startWorkerProcess({
      address: testAddress(),
      taskQueue: queue,
      identity,
      bundlePath: process.env.HEALER_TEST_WORKFLOW_BUNDLE!,
      stateDir,
      githubUrl: gate.url,
    });
    processes.push(p);
    return p;
  };

  const startIncident = async (queue: string, n: number, repo = REPO): Promise<WorkflowHandle> => {
    const d = detection({ fingerprint: uniqueId(`scale${n}`).replace(/[^a-z0-9-]/gi, '') });
    const playId = uniqueId('scale-play');
    const input: IncidentInput = {
      playId,
      repository: `https://github.com/${repo}`,
      namespace: 'cto',
      detection: d,
      llmTaskQueue,
      remediation: { ciPollSecs: 1 },
    };
    return (await testClient()).workflow.start('incident', {
      taskQueue: queue,
      workflowId: incidentWorkflowId(playId, d.fingerprint),
      args: [input],
    });
  };

  /** The workers' identities among those polling `queue` for workflow and activity tasks. */
  const pollers = async (queue: string): Promise<string[]> => {
    const client = await testClient();
    const identities = new Set<string>();
    for (const taskQueueType of [1, 2]) {
      const d = await client.workflowService.describeTaskQueue({
        namespace: 'default',
        taskQueue: { name: queue },
        taskQueueType,
      });
      for (const p of d.pollers ?? []) identities.add(`${taskQueueType}:${p.identity}`);
    }
    return [...identities];
  };

  beforeAll(async () => {
    github = await startFakeGitHub(githubOptions);
    gate = await startGate(github.url);
    gemini = await startFakeGemini({ apiKey: 'test-key', models: [{ id: EVAL_MODEL }, { id: PATCH_MODEL }] });
    gemini.script(EVAL_MODEL, { kind: 'ok', answer: goodEvaluation });
    gemini.script(PATCH_MODEL, { kind: 'ok', answer: goodPatch() });
    const worker = await createTestWorker({ taskQueue: llmTaskQueue, activities: thinGateway(gemini.url, 'test-key') });
    llm = { worker, running: worker.run() };
  });

  afterAll(async () => {
    for (const p of processes) p.kill('SIGKILL');
    await Promise.all(processes.map((p) => p.exited));
    llm?.worker.shutdown();
    await llm?.running;
    await Promise.all([github?.stop(), gemini?.stop(), gate?.stop()]);
    await closeTestConnections();
  });

  test('work spreads across both; SIGKILL of one mid-chain loses nothing: one issue and one PR per incident', async () => {
    const workers = [spawnWorker(taskQueue, 'scale-worker-1'), spawnWorker(taskQueue, 'scale-worker-2')];
    await Promise.all(workers.map((w) => w.said('ready')));
    // Both poll the shared queue for workflow and activity tasks before any work exists.
    await eventually(
      () => pollers(taskQueue),
      (ids) => workers.every((w) => ids.includes(`1:${w.identity}`) && ids.includes(`2:${w.identity}`)),
    );

    const handles = await Promise.all(Array.from({ length: INCIDENTS }, (_, n) => startIncident(taskQueue, n)));
    // Mid-chain: every incident has its PR and has polled its (pending) CI at least once, so it is in
    // the durable timer between CI polls, not in an activity a dead worker could hold for 30 s.
    await eventually(
      async () => Promise.all(handles.map((h) => h.query(incidentStatusQuery))),
      (views) => views.every((v) => v.step === 'verifying' && v.pr?.number !== undefined && ciPolled(v.pr.number)),
      60_000,
    );
    expect(github.issues(REPO)).toHaveLength(INCIDENTS);

    const before = await Promise.all(handles.map(whoRan));
    const activityWorkers = new Set(before.flatMap((r) => r.activities.map((a) => a.identity)));
    const workflowWorkers = new Set(before.flatMap((r) => r.workflowTasks));
    for (const w of workers) expect(activityWorkers.has(w.identity) || workflowWorkers.has(w.identity)).toBe(true);

    // Kill the worker holding the most incidents in its cache (the last to run their workflow task).
    const holders = before.map((r) => r.workflowTasks.at(-1));
    const [victim, survivor] =
      holders.filter((h) => h === workers[0].identity).length >= holders.filter((h) => h === workers[1].identity).length
        ? workers
        : [workers[1], workers[0]];
    const orphaned = handles.filter((_, i) => holders[i] === victim.identity);
    expect(orphaned.length).toBeGreaterThan(0);
    victim.kill('SIGKILL');
    expect(await victim.exited).toMatchObject({ signal: 'SIGKILL' });

    githubOptions.ciPendingPolls = 0; // CI turns green
    const results = (await Promise.all(handles.map((h) => h.result()))) as IncidentView[];
    for (const r of results) expect(r).toMatchObject({ status: 'resolved', reason: 'CI passed' });

    for (const h of handles) {
      const issues = github.issues(REPO).filter((i) => i.body.includes(incidentMarker(h.workflowId)));
      expect(issues).toHaveLength(1);
      expect(issues[0].state).toBe('closed');
      expect(github.pulls(REPO).filter((p) => p.pull!.head === remediationBranch(h.workflowId))).toHaveLength(1);
    }
    expect(github.issues(REPO)).toHaveLength(INCIDENTS);
    expect(github.pulls(REPO)).toHaveLength(INCIDENTS);

    // The incidents the dead worker was holding were finished by the survivor.
    for (const h of orphaned) {
      const after = await whoRan(h);
      expect(after.workflowTasks.at(-1)).toBe(survivor.identity);
      expect(after.activities.find((a) => a.type === 'closeIssue')).toMatchObject({
        identity: survivor.identity,
        completed: true,
      });
    }
  });

  test('SIGTERM drains: the in-flight activity completes on the stopping worker before it exits', async () => {
    githubOptions.ciPendingPolls = 0;
    const queue = uniqueTaskQueue('drain');
    const repo = 'acme/drain';
    const stopping = spawnWorker(queue, 'drain-worker-1');
    await stopping.said('ready');
    // Hold the issue creation at the proxy: the findOrCreateIssue activity is then in flight.
    gate.hold((method, path) => method === 'POST' && path === `/repos/${repo}/issues`);
    const handle = await startIncident(queue, 0, repo);
    await eventually(
      async () => gate.held(),
      (n) => n === 1,
      60_000,
    );

    stopping.kill('SIGTERM');
    await stopping.said('sigterm');
    gate.release();
    await stopping.said('stopped', 30_000);
    expect(await stopping.exited).toEqual({ code: 0, signal: null });
    expect(github.issues(repo)).toHaveLength(1);

    // Another worker takes over the rest of the chain.
    spawnWorker(queue, 'drain-worker-2');
    const result = (await handle.result()) as IncidentView;
    expect(result).toMatchObject({ status: 'resolved' });
    const ran = await whoRan(handle);
    const issueRuns = ran.activities.filter((a) => a.type === 'findOrCreateIssue');
    expect(issueRuns).toEqual([{ type: 'findOrCreateIssue', identity: 'drain-worker-1', attempt: 1, completed: true }]);
    expect(ran.timeouts).toBe(0);
    expect(ran.activities.find((a) => a.type === 'closeIssue')?.identity).toBe('drain-worker-2');
    expect(github.issues(repo)).toHaveLength(1);
  });

  function ciPolled(prNumber: number): boolean {
    const pr = github.pulls(REPO).find((p) => p.number === prNumber);
    return !!pr && github.requests.some((r) => r.path.includes(`/commits/${pr.pull!.headSha}/check-runs`));
  }
});
