// API figures under load (issue 15): the session list with 30 concurrent callers over 2,000 sessions,
// and log pushes over 200 concurrent connections. Run by api-latency.ts on its API. Answers other than
// success are counted by status, not thrown: a 504 under load is a figure too.
import { summarize } from './stats';

const json = { 'content-type': 'application/json' };

/** Starts the sessions, `parallel` at a time. */
export async function startSessions(apiUrl: string, playIds: string[], parallel = 20): Promise<void> {
  let next = 0;
  const startOne = async (): Promise<void> => {
    while (next < playIds.length) {
      const playId = playIds[next++];
      const response = await fetch(`${apiUrl}/api/v1/session/start`, {
        method: 'POST',
        headers: json,
        body: JSON.stringify({ play_id: playId, repository: 'bench/repo' }),
      });
      if (response.status !== 201) throw new Error(`start ${playId} answered ${response.status}`);
      await response.arrayBuffer();
    }
  };
  await Promise.all(Array.from({ length: parallel }, startOne));
}

/** Waits until `count()` reaches `expected`, then `quietMs` more for the worker to finish starting them. */
export async function settle(count: () => Promise<number>, expected: number, quietMs = 5000): Promise<number> {
  const t0 = performance.now();
  while ((await count()) < expected) await new Promise((r) => setTimeout(r, 500));
  await new Promise((r) => setTimeout(r, quietMs));
  return Math.round(performance.now() - t0);
}

const tally = (errors: Record<string, number>, status: number) => {
  errors[status] = (errors[status] ?? 0) + 1;
};

/** `callers` concurrent clients, each reading GET /api/v1/sessions (one default page) `rounds` times. */
export async function listUnderConcurrency(apiUrl: string, callers = 30, rounds = 20) {
  const samples: number[] = [];
  const errors: Record<string, number> = {};
  let sessionsPerPage = 0;
  const caller = async () => {
    for (let i = 0; i < rounds; i += 1) {
      const t0 = performance.now();
      const response = await fetch(`${apiUrl}/api/v1/sessions`);
      const body = (await response.json()) as { count: number };
      samples.push(performance.now() - t0);
      if (response.status === 200) sessionsPerPage = body.count;
      else tally(errors, response.status);
    }
  };
  const t0 = performance.now();
  await Promise.all(Array.from({ length: callers }, caller));
  const seconds = (performance.now() - t0) / 1000;
  return {
    callers,
    rounds,
    sessionsPerPage,
    listMs: summarize(samples),
    listsPerSecond: Math.round(samples.length / seconds),
    errors,
  };
}

/**
 * One client per session at once (one connection each), each pushing `pushes` batches of `lines` lines
 * (one in ten matching) to its session.
 */
export async function pushUnderConnections(apiUrl: string, playIds: string[], opts = { pushes: 5, lines: 200 }) {
  const samples: number[] = [];
  const errors: Record<string, number> = {};
  const lines = Array.from({ length: opts.lines }, (_, i) =>
    i % 10 === 0 ? `Error: connect ECONNREFUSED connection refused (${i})` : `INFO step ${i} done`,
  );
  let detections = 0;
  const client = async (playId: string) => {
    for (let i = 0; i < opts.pushes; i += 1) {
      const t0 = performance.now();
      const response = await fetch(`${apiUrl}/api/v1/session/${playId}/logs`, {
        method: 'POST',
        headers: json,
        body: JSON.stringify({ lines, labels: { agent: 'rex' } }),
      });
      const body = (await response.json()) as { detections: number };
      samples.push(performance.now() - t0);
      if (response.status === 202) detections += body.detections;
      else tally(errors, response.status);
    }
  };
  const t0 = performance.now();
  await Promise.all(playIds.map(client));
  const seconds = (performance.now() - t0) / 1000;
  return {
    connections: playIds.length,
    pushesPerConnection: opts.pushes,
    linesPerPush: opts.lines,
    pushMs: summarize(samples),
    linesPerSecond: Math.round((samples.length * opts.lines) / seconds),
    detectionsAccepted: detections,
    errors,
  };
}
