// Horizontal scaling benchmark: incidents/s through the full healing chain (gather → evaluate → issue →
// patch → PR → CI → close, against the fake GitHub) with ONE main-worker process, then with TWO sharing
// the same task queue, on a dev server this starts. Workers are separate processes
// (test/support/worker-process-entry.js runs the production startMainWorker), so each has its own event
// loop and workflow sandbox; the model gateway is a thin in-process stand-in on its own queue in both runs.
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client, Connection, type WorkflowHandle } from '@temporalio/client';
import { bundleWorkflowCode, DefaultLogger, NativeConnection, Runtime, Worker } from '@temporalio/worker';
import type { Detection } from '../../core/contract';
import type { IncidentInput, IncidentView } from '../../core/contract';
import { incidentWorkflowId } from '../../core/contract';
import { startFakeGemini } from '../../test/fakes/gemini';
import { startFakeGitHub } from '../../test/fakes/github';
import { EVAL_MODEL, PATCH_MODEL, thinGateway } from '../../test/fakes/model-gateway';
import { startWorkerProcess, type WorkerProcess } from '../../test/support/worker-process';
import { workflowBundlePath } from '../../runtime/workflow-bundle';
import { startDevServer } from '../../runtime/dev-server';
import { WORKER_RESILIENCE } from '../../workers/resilience';

export interface BenchScalingOptions {
  /** Dev server port (default 27249). */
  port?: number;
  /** Incidents started at once per measured run (default 40). */
  incidents?: number;
  /** Incidents run first on each setup, not measured (default 4). */
  warmup?: number;
  log?: (line: string) => void;
}

interface RunResult {
  workers: number;
  incidents: number;
  resolved: number;
  elapsedSecs: number;
  incidentsPerSecond: number;
  /** Workflow tasks completed by each worker identity in the measured run (the spread). */
  workflowTasksByWorker: Record<string, number>;
}

const LLM_QUEUE = 'bench-scaling-llm';
const round2 = (n: number): number => Math.round(n * 100) / 100;

function detection(fingerprint: string): Detection {
  return {
    code: 'R1',
    severity: 'critical',
    priority: 'P2',
    patternId: 'r1',
    fingerprint,
    line: 'panicked at src/lib.rs:1',
    source: 'test',
    observedAt: new Date().toISOString(),
  };
}

/** Every workflow in one bundle: the built one when running from dist/, else bundled now. */
async function bundleFile(dir: string): Promise<string> {
  const built = workflowBundlePath();
  if (__filename.endsWith('.js') && existsSync(built)) return built;
  const { code } = await bundleWorkflowCode({
    workflowsPath: require.resolve('../../workflows'),
    logger: { trace() {}, debug() {}, info() {}, warn() {}, error: console.error, log() {} },
  });
  const path = join(dir, 'workflow-bundle.js');
  writeFileSync(path, code);
  return path;
}

export async function benchScaling(opts: BenchScalingOptions = {}): Promise<object> {
  const log = opts.log ?? ((line: string) => console.error(line));
  const count = opts.incidents ?? 40;
  const warmup = opts.warmup ?? 4;
  const dir = mkdtempSync(join(tmpdir(), 'healer-bench-scaling-'));
  try {
    Runtime.install({ logger: new DefaultLogger('WARN') });
  } catch {
    // another benchmark installed it
  }
  const server = await startDevServer({ port: opts.port ?? 27249, dbFile: join(dir, 'temporal.db'), headless: true });
  const github = await startFakeGitHub({ files: { 'src/lib.rs': 'broken\n' }, ciPendingPolls: 1 });
  const gemini = await startFakeGemini({ models: [{ id: EVAL_MODEL }, { id: PATCH_MODEL }] });
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
  const llm = await Worker.create({
    connection: native,
    ...WORKER_RESILIENCE,
    taskQueue: LLM_QUEUE,
    activities: thinGateway(gemini.url, 'test-key'),
    shutdownGraceTime: '2s',
  });
  const llmRunning = llm.run();
  const processes: WorkerProcess[] = [];
  const runId = Date.now().toString(36);
  const bundle = bundleFile(dir);

  const runIncidents = async (
    taskQueue: string,
    label: string,
    n: number,
  ): Promise<{ handles: WorkflowHandle[]; results: IncidentView[]; elapsedSecs: number }> => {
    const t0 = performance.now();
    const handles = await Promise.all(
      Array.from({ length: n }, (_, i) => {
        const playId = `bench-${label}-${runId}`;
        const input: IncidentInput = {
          playId,
          repository: `bench/${label}`,
          namespace: 'cto',
          detection: detection(`fp${i}`),
          llmTaskQueue: LLM_QUEUE,
          remediation: { ciPollSecs: 0.1 },
        };
        return client.workflow.start('incident', {
          taskQueue,
          workflowId: incidentWorkflowId(playId, `fp${i}`),
          args: [input],
        });
      }),
    );
    const results = (await Promise.all(handles.map((h) => h.result()))) as IncidentView[];
    return { handles, results, elapsedSecs: (performance.now() - t0) / 1000 };
  };

  const measure = async (workers: number): Promise<RunResult> => {
    const taskQueue = `bench-scaling-${workers}w`;
    const bundlePath = await bundle;
    const started = Array.from({ length: workers }, (_, i) =>
      startWorkerProcess({
        address: server.address,
        taskQueue,
        identity: `worker-${workers}w-${i + 1}`,
        bundlePath,
        stateDir: join(dir, 'state'),
        githubUrl: github.url,
      }),
    );
    processes.push(...started);
    await Promise.all(started.map((p) => p.said('ready', 120_000)));
    if (warmup > 0) await runIncidents(taskQueue, `${workers}w-warmup`, warmup);
    log(`scaling: ${count} incidents with ${workers} worker process(es)`);
    const { handles, results, elapsedSecs } = await runIncidents(taskQueue, `${workers}w`, count);
    const workflowTasksByWorker: Record<string, number> = {};
    for (const h of handles) {
      for (const e of (await h.fetchHistory()).events ?? []) {
        const identity = e.workflowTaskCompletedEventAttributes?.identity;
        if (identity) workflowTasksByWorker[identity] = (workflowTasksByWorker[identity] ?? 0) + 1;
      }
    }
    await Promise.all(started.map((p) => p.stop()));
    return {
      workers,
      incidents: count,
      resolved: results.filter((r) => r.status === 'resolved').length,
      elapsedSecs: round2(elapsedSecs),
      incidentsPerSecond: round2(count / elapsedSecs),
      workflowTasksByWorker,
    };
  };

  try {
    const one = await measure(1);
    const two = await measure(2);
    return {
      incidents: count,
      cpus: cpus().length,
      oneWorker: one,
      twoWorkers: two,
      twoOverOneRatio: round2(two.incidentsPerSecond / one.incidentsPerSecond),
      issues: github.issues('bench/1w').length + github.issues('bench/2w').length,
      pullRequests: github.pulls('bench/1w').length + github.pulls('bench/2w').length,
      note:
        `Both runs share this machine's ${cpus().length} core(s) with the dev server, the fakes and the model stand-in. ` +
        'A second worker process adds an event loop and a workflow sandbox, not CPU: on a 2-core machine the two workers compete for the same cores, ' +
        'so the ratio shows the overhead of sharing a queue more than the gain of a second pod with its own CPU. ' +
        'Work spreads across both (workflowTasksByWorker); the chain is mostly waiting (CI polls, model calls), which is where more workers help.',
    };
  } finally {
    for (const p of processes) p.kill('SIGKILL');
    await Promise.all(processes.map((p) => p.exited));
    llm.shutdown();
    await llmRunning.catch(() => undefined);
    await connection.close();
    await native.close();
    await Promise.all([github.stop(), gemini.stop()]);
    await server.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}
