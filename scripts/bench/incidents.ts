// Healing-chain benchmark on a local dev server against the fakes (GitHub, Gemini, Discord):
//  - throughput: incidents/s through the full chain (gather → evaluate → issue → patch → PR → CI → close),
//    N incidents started at once;
//  - latency: p50/p99 from the detection (incident start) to the issue existing on the fake GitHub.
// The model is reached through a thin stand-in of the gateway activity (test/fakes/model-gateway.ts), so
// the numbers are the chain's own overhead, not the gateway's (benchmarked separately by `model`).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { bundleWorkflowCode, NativeConnection, Runtime, DefaultLogger, Worker } from '@temporalio/worker';
import { createContextActivities } from '../../activities/incident/context';
import { createGitHubActivities, createOctokit } from '../../activities/incident/github';
import { createNotifyActivities } from '../../activities/incident/notify';
import { createRemediationActivities } from '../../activities/incident/remediation';
import { incidentMarker } from '../../core/incident/render';
import type { Detection } from '../../core/contract';
import type { IncidentInput, IncidentView } from '../../core/contract';
import { incidentWorkflowId } from '../../core/contract';
import { startFakeDiscord } from '../../test/fakes/discord';
import { startFakeGemini } from '../../test/fakes/gemini';
import { startFakeGitHub } from '../../test/fakes/github';
import { EVAL_MODEL, PATCH_MODEL, thinGateway } from '../../test/fakes/model-gateway';
import { startDevServer } from '../../runtime/dev-server';
import { summarize } from './stats';
import { WORKER_RESILIENCE } from '../../workers/resilience';

export interface BenchIncidentsOptions {
  port?: number;
  /** Incidents started at once (default 40). */
  incidents?: number;
  log?: (line: string) => void;
}

const REPO = 'bench/app';

export async function benchIncidents(opts: BenchIncidentsOptions = {}): Promise<object> {
  const log = opts.log ?? ((line: string) => console.error(line));
  const count = opts.incidents ?? 40;
  const dir = mkdtempSync(join(tmpdir(), 'healer-bench-incidents-'));
  try {
    Runtime.install({ logger: new DefaultLogger('WARN') });
  } catch {
    // another benchmark installed it
  }
  const server = await startDevServer({ port: opts.port ?? 27245, dbFile: join(dir, 'temporal.db'), headless: true });
  const github = await startFakeGitHub({ files: { 'src/lib.rs': 'broken\n' }, ciPendingPolls: 1 });
  const gemini = await startFakeGemini({ models: [{ id: EVAL_MODEL }, { id: PATCH_MODEL }] });
  const discord = await startFakeDiscord();
  gemini.script(EVAL_MODEL, {
    kind: 'ok',
    answer: {
      summary: 'crash',
      rootCause: 'unwrap on None',
      category: 'code',
      severity: 'high',
      confidence: 0.9,
      affectedFiles: ['src/lib.rs'],
      suggestedFix: 'handle None',
    },
  });
  gemini.script(PATCH_MODEL, {
    kind: 'ok',
    answer: { summary: 'fix', explanation: 'handle None', edits: [{ path: 'src/lib.rs', content: 'fixed\n' }] },
  });
  const connection = await Connection.connect({ address: server.address });
  const native = await NativeConnection.connect({ address: server.address });
  const client = new Client({ connection });
  const workers: Array<{ worker: Worker; done: Promise<void> }> = [];
  try {
    const workflowBundle = await bundleWorkflowCode({
      workflowsPath: require.resolve('../../workflows/incident/incident'),
      logger: { trace() {}, debug() {}, info() {}, warn() {}, error() {}, log() {} },
    });
    const gh = createGitHubActivities({ octokit: createOctokit('bench-token', github.url) });
    const activities = {
      ...gh,
      ...createContextActivities({
        stateDir: join(dir, 'state'),
        logWindow: async () => ['INFO start', 'thread main panicked at src/lib.rs:1'],
      }),
      ...createNotifyActivities({ webhookUrl: discord.webhookUrl }),
      ...createRemediationActivities({ github: gh, kube: null }),
    };
    for (const w of [
      await Worker.create({
        connection: native,
        ...WORKER_RESILIENCE,
        taskQueue: 'bench-incidents',
        workflowBundle,
        activities,
        shutdownGraceTime: '2s',
      }),
      await Worker.create({
        connection: native,
        ...WORKER_RESILIENCE,
        taskQueue: 'bench-incidents-llm',
        activities: thinGateway(gemini.url, 'test-key'),
        shutdownGraceTime: '2s',
      }),
    ]) {
      workers.push({ worker: w, done: w.run() });
    }

    log(`incidents: ${count} incidents through the full chain`);
    const startedAt = new Map<string, number>();
    const detection = (i: number): Detection => ({
      code: 'R1',
      severity: 'critical',
      priority: 'P2',
      patternId: 'r1',
      fingerprint: `fp${i}`,
      line: 'panicked at src/lib.rs:1',
      source: 'test',
      observedAt: new Date().toISOString(),
    });
    const t0 = Date.now();
    const handles = await Promise.all(
      Array.from({ length: count }, async (_, i) => {
        const input: IncidentInput = {
          playId: 'bench',
          repository: REPO,
          namespace: 'cto',
          detection: detection(i),
          llmTaskQueue: 'bench-incidents-llm',
          remediation: { ciPollSecs: 0.1 },
        };
        const workflowId = incidentWorkflowId('bench', `fp${i}-${t0}`);
        startedAt.set(workflowId, Date.now());
        return client.workflow.start('incident', { taskQueue: 'bench-incidents', workflowId, args: [input] });
      }),
    );
    const results = (await Promise.all(handles.map((h) => h.result()))) as IncidentView[];
    const elapsedSecs = (Date.now() - t0) / 1000;

    const issueLatency: number[] = [];
    for (const [workflowId, started] of startedAt) {
      const issue = github.issues(REPO).find((i) => i.body.includes(incidentMarker(workflowId)));
      if (issue) issueLatency.push(Date.parse(issue.createdAt) - started);
    }
    const resolved = results.filter((r) => r.status === 'resolved').length;
    return {
      incidents: count,
      resolved,
      issues: github.issues(REPO).length,
      pullRequests: github.pulls(REPO).length,
      elapsedSecs: Math.round(elapsedSecs * 100) / 100,
      incidentsPerSecond: Math.round((count / elapsedSecs) * 100) / 100,
      detectionToIssueMs: summarize(issueLatency),
    };
  } finally {
    for (const { worker } of workers) worker.shutdown();
    await Promise.all(workers.map(({ done }) => done.catch(() => undefined)));
    await connection.close();
    await native.close();
    await Promise.all([github.stop(), gemini.stop(), discord.stop()]);
    await server.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}
