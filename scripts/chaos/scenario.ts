// One chaos run against a running stack: start sessions through the API, push one line per distinct
// failure (one incident each) and keep pushing repeats, while components and the Temporal server are
// SIGKILLed on a schedule and GitHub answers with faults (fault-proxy.ts); then measure what a user
// would care about (measure.ts). The stack is whatever runs the components: `healer dev` for the full
// campaign (dev-stack.ts), a smaller one for the smoke test.
import type { Client } from '@temporalio/client';
import { summarize } from '../bench/stats';
import { seededRandom } from './fault-proxy';
import { measureRun, type RunMeasures } from './measure';
import { RestartClock } from './restart-clock';
import { Pusher, sessionPayload, startSessions, type ChaosSession } from './workload';
import type { FakeGitHub } from '../../test/fakes/github';

export interface ChaosStack {
  apiUrl: string;
  /** The harness's own client to the stack's Temporal server (for measurements). */
  client: Client;
  /** The pid of a component process the schedule may SIGKILL (undefined: not running now). */
  pidOf(component: string): number | undefined;
  /** SIGKILLs the Temporal dev server (the stack restarts it on the same database). */
  killTemporal?(): Promise<void>;
  /** Filled by the stack from its supervisor's and dev server's events. */
  clock: RestartClock;
  stop(): Promise<void>;
}

export interface ChaosOptions {
  label: string;
  /** Distinct failures (one incident each), spread over `sessions` sessions. */
  incidents: number;
  sessions: number;
  repository: string;
  /** Components SIGKILLed in turn, one every `killEveryMs` (uniform in the range); empty: no kills. */
  kill: string[];
  killEveryMs: [number, number];
  /** Stop killing components after this many kills (undefined: keep killing until the incidents finish). */
  maxKills?: number;
  /** SIGKILL the Temporal server once, this long after the first push (undefined: never). */
  killTemporalAfterMs?: number;
  /** Log pushes (repeats of the failures) one every this often while incidents run. */
  pushEveryMs: number;
  /** Give up waiting for incidents after this long. */
  timeoutMs: number;
  seed: number;
}

export interface ChaosRunResult extends RunMeasures {
  label: string;
  elapsedMs: number;
  kills: Record<string, number>;
  /** From a SIGKILL to the component's new process (supervisor) / to Temporal answering again. */
  restartMs: Record<string, ReturnType<typeof summarize>>;
  /** From a SIGKILL to the new process's first heartbeat getting through. */
  readyMs: Record<string, ReturnType<typeof summarize>>;
  /** A process's start to its first heartbeat getting through (how long a component takes to come up). */
  bootMs: Record<string, ReturnType<typeof summarize>>;
  /** Faults the GitHub proxy injected, by kind. */
  githubFaults?: Record<string, number>;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Closed incident workflows, and all of them, per Temporal visibility (undefined while it is away). */
async function incidentProgress(client: Client): Promise<{ total: number; closed: number } | undefined> {
  try {
    let total = 0;
    let closed = 0;
    for await (const execution of client.workflow.list({ query: `WorkflowType = 'incident'` })) {
      total += 1;
      if (execution.status.name !== 'RUNNING') closed += 1;
    }
    return { total, closed };
  } catch {
    return undefined;
  }
}

export async function runChaos(
  stack: ChaosStack,
  github: FakeGitHub,
  options: ChaosOptions,
  log: (line: string) => void,
): Promise<ChaosRunResult> {
  const random = seededRandom(options.seed);
  const started = Date.now();
  const deadline = started + options.timeoutMs;
  log(`[${options.label}] ${options.incidents} incidents over ${options.sessions} sessions`);
  const sessions: ChaosSession[] = await startSessions(stack.apiUrl, options, deadline);
  const pusher = new Pusher(stack.apiUrl, options.label, deadline);
  // First the failures themselves (each opens its incident), then repeats while they heal.
  await Promise.all(sessions.map((s) => pusher.push(s, s.failures)));
  const firstPush = Date.now();

  let done = false;
  const kills: Record<string, number> = {};
  const killer = (async () => {
    let turn = 0;
    let temporalKilled = options.killTemporalAfterMs === undefined || !stack.killTemporal;
    while (!done) {
      const [min, max] = options.killEveryMs;
      await sleep(min + random() * (max - min));
      if (done) break;
      if (!temporalKilled && Date.now() - firstPush >= options.killTemporalAfterMs!) {
        temporalKilled = true;
        log(`[${options.label}] SIGKILL the Temporal server`);
        stack.clock.killed('temporal', Date.now());
        await stack.killTemporal!();
        kills.temporal = (kills.temporal ?? 0) + 1;
        continue;
      }
      if (options.kill.length === 0 || turn >= (options.maxKills ?? Infinity)) continue;
      const name = options.kill[turn++ % options.kill.length];
      const pid = stack.pidOf(name);
      if (!pid) continue; // not back yet: nothing to kill
      try {
        process.kill(pid, 'SIGKILL');
        stack.clock.killed(name, Date.now());
        kills[name] = (kills[name] ?? 0) + 1;
      } catch {
        // exited on its own in between
      }
    }
  })();
  const repeats = (async () => {
    while (!done) {
      await sleep(options.pushEveryMs);
      if (done) break;
      const session = sessions[Math.floor(random() * sessions.length)];
      const lines = session.failures.filter(() => random() < 0.5);
      void pusher.push(session, lines.length ? lines : [session.failures[0]]);
    }
  })();

  let progress: { total: number; closed: number } | undefined;
  while (Date.now() < deadline) {
    progress = (await incidentProgress(stack.client)) ?? progress;
    if (progress && progress.total >= options.incidents && progress.closed >= progress.total) break;
    await sleep(1000);
  }
  done = true;
  await Promise.all([killer, repeats]);
  await pusher.settle();
  log(
    `[${options.label}] ${progress?.closed ?? 0}/${options.incidents} incidents closed after ${Math.round((Date.now() - started) / 1000)} s; measuring`,
  );
  const measures = await measureRun(stack.client, github, options.repository, sessions, pusher, options.incidents);
  return {
    label: options.label,
    elapsedMs: Date.now() - started,
    ...measures,
    kills,
    restartMs: stack.clock.restartSummary(),
    readyMs: stack.clock.readySummary(),
    bootMs: stack.clock.bootSummary(),
  };
}

export { sessionPayload };
