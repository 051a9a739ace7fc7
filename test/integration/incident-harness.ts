// Shared set-up for the incident integration tests: the fakes (GitHub, Discord, Gemini), the real
// activities pointed at them, one workflow bundle per test file, and workers on unique task queues.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { bundleWorkflowCode, type Worker } from '@temporalio/worker';
import type { WorkflowHandle, WorkflowHandleWithFirstExecutionRunId } from '@temporalio/client';
import { CoreV1Api, CustomObjectsApi } from '@kubernetes/client-node';
import { createContextActivities } from '../../activities/incident/context';
import { createGitHubActivities, createOctokit } from '../../activities/incident/github';
import { createNotifyActivities } from '../../activities/incident/notify';
import { createRemediationActivities } from '../../activities/incident/remediation';
import type { Detection } from '../../core/contract';
import { incidentWorkflowId } from '../../core/contract';
import { incidentStatusQuery, type IncidentInput, type IncidentView } from '../../core/contract';
import { startFakeDiscord, type FakeDiscord } from '../fakes/discord';
import { startFakeGemini, type Behaviour, type FakeGemini } from '../fakes/gemini';
import { EVAL_MODEL, PATCH_MODEL, thinGateway } from '../fakes/model-gateway';
import { startFakeGitHub, type FakeGitHub, type FakeGitHubOptions } from '../fakes/github';
import { kubeConfigFor, type FakeKubernetes } from '../fakes/kubernetes';
import { createTestWorker, testClient, uniqueId, uniqueTaskQueue } from '../support/temporal';

export const REPO = 'acme/app';
export { EVAL_MODEL, PATCH_MODEL };
const API_KEY = 'test-key';

let bundle: Promise<{ code: string }> | undefined;
const noop = () => undefined;
/** The incident workflow bundled once per test file. */
export function incidentBundle(): Promise<{ code: string }> {
  bundle ??= bundleWorkflowCode({
    workflowsPath: require.resolve('../../workflows/incident/incident'),
    logger: { trace: noop, debug: noop, info: noop, warn: noop, error: console.error, log: noop },
  });
  return bundle;
}

export const goodEvaluation = {
  summary: 'Null dereference in the config loader',
  rootCause: 'load_config unwraps a missing key',
  category: 'code',
  severity: 'high',
  confidence: 0.8,
  affectedFiles: ['src/lib.rs'],
  suggestedFix: 'Return a default when the key is missing',
};
export const goodPatch = (n = 1) => ({
  summary: 'Default missing config key',
  explanation: 'Use unwrap_or_default instead of unwrap.',
  edits: [{ path: 'src/lib.rs', content: `pub fn load() -> u32 { 0 } // fix ${n}\n` }],
});

export function detection(over: Partial<Detection> = {}): Detection {
  return {
    code: 'R1',
    severity: 'critical',
    priority: 'P2',
    patternId: 'r1-panic',
    fingerprint: uniqueId('fp').replace(/[^a-z0-9-]/gi, ''),
    line: "thread 'main' panicked at src/lib.rs:10: called unwrap() on None",
    source: 'test',
    observedAt: new Date().toISOString(),
    agent: 'rex',
    taskId: '7',
    pod: 'rex-7-abc',
    ...over,
  };
}

export interface Harness {
  github: FakeGitHub;
  discord: FakeDiscord;
  gemini: FakeGemini;
  stateDir: string;
  taskQueue: string;
  llmTaskQueue: string;
  /** Lines the log-window source returns for every incident. */
  logLines: string[];
  startWorkers(): Promise<void>;
  stopWorkers(): Promise<void>;
  start(input: Partial<IncidentInput> & { detection: Detection }): Promise<WorkflowHandleWithFirstExecutionRunId>;
  view(handle: WorkflowHandle): Promise<IncidentView>;
  close(): Promise<void>;
}

export async function createHarness(
  opts: {
    github?: FakeGitHubOptions;
    apiKey?: string | null;
    dryRun?: boolean;
    discord?: boolean;
    kube?: FakeKubernetes;
  } = {},
): Promise<Harness> {
  const github = await startFakeGitHub({
    files: { 'src/lib.rs': 'pub fn load() -> u32 { None.unwrap() }\n', 'README.md': '# app\n' },
    ciPendingPolls: 1,
    ...opts.github,
  });
  const discord = await startFakeDiscord();
  const gemini = await startFakeGemini({ apiKey: API_KEY, models: [{ id: EVAL_MODEL }, { id: PATCH_MODEL }] });
  gemini.script(EVAL_MODEL, { kind: 'ok', answer: goodEvaluation });
  gemini.script(PATCH_MODEL, { kind: 'ok', answer: goodPatch() });
  const stateDir = mkdtempSync(join(tmpdir(), 'healer-incident-'));
  const taskQueue = uniqueTaskQueue('incident');
  const llmTaskQueue = uniqueTaskQueue('incident-llm');
  const client = await testClient();
  let workers: Array<{ worker: Worker; running: Promise<void> }> = [];

  const h: Harness = {
    github,
    discord,
    gemini,
    stateDir,
    taskQueue,
    llmTaskQueue,
    logLines: ['INFO starting rex', "thread 'main' panicked at src/lib.rs:10: called unwrap() on None"],
    async startWorkers() {
      const gh = createGitHubActivities({ octokit: opts.dryRun ? null : createOctokit('test-token', github.url) });
      const kc = opts.kube ? kubeConfigFor(opts.kube) : undefined;
      const kube = kc ? { core: kc.makeApiClient(CoreV1Api), custom: kc.makeApiClient(CustomObjectsApi) } : null;
      const activities = {
        ...gh,
        ...createContextActivities({ stateDir, logWindow: async () => h.logLines, kube }),
        ...createNotifyActivities({ webhookUrl: opts.discord === false ? undefined : discord.webhookUrl }),
        ...createRemediationActivities({ github: gh, kube }),
      };
      const main = await createTestWorker({ taskQueue, workflowBundle: await incidentBundle(), activities });
      const llm = await createTestWorker({
        taskQueue: llmTaskQueue,
        activities: thinGateway(gemini.url, opts.apiKey === null ? undefined : (opts.apiKey ?? API_KEY)),
      });
      workers = [main, llm].map((worker) => ({ worker, running: worker.run() }));
    },
    async stopWorkers() {
      for (const w of workers) w.worker.shutdown();
      await Promise.all(workers.map((w) => w.running));
      workers = [];
    },
    async start(input) {
      const d = input.detection;
      const playId = input.playId ?? uniqueId('play');
      return client.workflow.start('incident', {
        taskQueue,
        workflowId: incidentWorkflowId(playId, d.fingerprint),
        args: [
          {
            playId,
            repository: `https://github.com/${REPO}`,
            namespace: 'cto',
            llmTaskQueue,
            ...input,
            remediation: { ciPollSecs: 0.2, ...input.remediation },
          },
        ],
      });
    },
    view: (handle) => handle.query(incidentStatusQuery),
    async close() {
      await h.stopWorkers();
      await Promise.all([github.stop(), discord.stop(), gemini.stop()]);
    },
  };
  return h;
}

export type { Behaviour };
