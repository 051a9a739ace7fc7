// Scan-throughput benchmark: our matcher vs single-threaded ripgrep over the same generated agent log.
// Reports MB/s for both, the ratio, and whether both found the same matching lines (pattern matches
// before false-positive suppression, which ripgrep does not do; detections after suppression are
// reported separately).
import { spawn, spawnSync } from 'node:child_process';
import {
  appendFileSync,
  createReadStream,
  createWriteStream,
  mkdtempSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { allPatterns } from '../../core/detection';
import type { Client } from '@temporalio/client';
import { SessionService } from '../../api/session/sessions';
import { runScanner } from '../../scanner/scanner';
import { scanStream } from '../../scanner/scan-stream';
import { fileSource } from '../../scanner/sources/file';
import { sessionWorkflowId } from '../../core/contract';

export interface BenchScanOptions {
  /** Corpus size in bytes (default 200 MB). */
  sizeBytes?: number;
  /** Share of lines that are detections (default 0.01); another 0.2 of that share are suppressed traps. */
  matchRatio?: number;
  /** Directory for the corpus (default: a new temp dir, removed afterwards). */
  dir?: string;
  /** Keep the generated corpus. */
  keep?: boolean;
  /** Try `apt-get install -y ripgrep` when rg is missing (default true). */
  installRipgrep?: boolean;
  log?: (line: string) => void;
}

const BENIGN = [
  '{ts} INFO rex::agent: tool call github_get_file_contents path=src/{w}.rs elapsed_ms={n}',
  '{ts} DEBUG reqwest::connect: starting new connection: https://api.github.com/',
  '{ts} INFO  cargo: Compiling {w} v0.{n}.{n}',
  '{ts} WARN slow tool call brave_search elapsed_ms={n}',
  '{"ts":"{ts}","level":"info","msg":"assistant message","tokens":{n},"agent":"blaze"}',
  '{ts} INFO http client configured timeout=30s retries=3',
  '{"role":"assistant","content":"Reading the task context and the prompt for task {n}"}',
  '{ts} INFO rex: task {n} template rendered, prompt {n} tokens',
  'test {w}::handles_{w} ... ok',
  '{ts} INFO writing /workspace/src/{w}/mod.rs ({n} bytes)',
  '   Compiling {w}-{w} v1.{n}.0',
  '{ts} INFO model usage: input_tokens={n} output_tokens={n}',
  '+    let {w} = {w}.unwrap_or_default(); // {n}',
  '{ts} INFO [tess] check {w} passed in {n}ms',
];
/** Lines that match a pattern but are suppressed (they count as matching lines for ripgrep). */
const TRAPS = [
  '{ts} INFO retry policy: retry on ["connection refused", "timed out"]',
  '{ts} WARN connection refused by 10.0.{n}.{n}:5432, retrying in 2s (attempt 1/5)',
  'test auth::rejects_invalid_token ... ok',
];
const MATCHING = [
  "thread 'main' panicked at src/{w}.rs:{n}:5:",
  'Error: connect ECONNREFUSED 127.0.0.1:{n}',
  "Error: EACCES: permission denied, open '/workspace/{w}'",
  '{ts} ERROR GitHub API returned 401 Unauthorized for POST /repos/5dlabs/{w}/pulls',
  'fatal error: all goroutines are asleep - deadlock!',
  '{ts} ERROR max retries exceeded calling {w} api',
  '{ts} ERROR MCP server "{w}" failed to initialize: spawn npx ENOENT',
  '{ts} ERROR tool inventory mismatch: declared {n}, reported {n}',
  '{ts} ERROR failed to load cto-config.json: not found',
  '{ts} ERROR template "{w}.hbs" not found',
  '{ts} ERROR request to https://api.{w}.com timed out',
  'Traceback (most recent call last):',
];
const WORDS = [
  'session',
  'handler',
  'workspace',
  'retry',
  'config',
  'parser',
  'client',
  'server',
  'agent',
  'router',
  'cache',
  'tokio',
];

/** Deterministic PRNG (mulberry32) so every run benchmarks the same corpus. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

async function generateCorpus(
  path: string,
  sizeBytes: number,
  matchRatio: number,
): Promise<{ lines: number; planted: number }> {
  const rand = prng(42);
  const out = createWriteStream(path);
  const base = Date.UTC(2026, 10, 22, 4, 0, 0);
  let written = 0;
  let lines = 0;
  let planted = 0;
  const fill = (template: string): string =>
    template
      .replace(/\{ts\}/g, () => new Date(base + lines * 7).toISOString())
      .replace(/\{n\}/g, () => String(Math.floor(rand() * 10000)))
      .replace(/\{w\}/g, () => WORDS[Math.floor(rand() * WORDS.length)]);
  while (written < sizeBytes) {
    const parts: string[] = [];
    let chunk = 0;
    while (chunk < 4 << 20 && written + chunk < sizeBytes) {
      const roll = rand();
      const matching = roll < matchRatio;
      const pool = matching ? MATCHING : roll < matchRatio * 1.2 ? TRAPS : BENIGN;
      const line = `${fill(pool[Math.floor(rand() * pool.length)])}\n`;
      if (matching) planted++;
      parts.push(line);
      chunk += line.length;
      lines++;
    }
    written += chunk;
    if (!out.write(parts.join(''))) await new Promise<void>((resolve) => out.once('drain', () => resolve()));
  }
  await new Promise<void>((resolve, reject) => out.end((err?: Error | null) => (err ? reject(err) : resolve())));
  return { lines, planted };
}

function ensureRipgrep(
  install: boolean,
  log: (l: string) => void,
): { ok: true; version: string } | { ok: false; reason: string } {
  const probe = (): string | undefined => {
    const r = spawnSync('rg', ['--version'], { encoding: 'utf8' });
    return r.status === 0 ? r.stdout.split('\n')[0] : undefined;
  };
  let version = probe();
  if (!version && install) {
    log('ripgrep missing: apt-get install -y ripgrep');
    const r = spawnSync('apt-get', ['install', '-y', 'ripgrep'], { encoding: 'utf8' });
    if (r.status !== 0)
      return {
        ok: false,
        reason: `apt-get install ripgrep failed: ${(r.stderr || String(r.error)).trim().slice(0, 300)}`,
      };
    version = probe();
  }
  return version ? { ok: true, version } : { ok: false, reason: 'ripgrep (rg) is not installed' };
}

async function runRipgrep(file: string): Promise<{ seconds: number; lines: Set<number> }> {
  const args = ['-j1', '-i', '-n', '--no-filename', '--no-heading', '--color', 'never'];
  for (const p of allPatterns()) args.push('-e', p.regex);
  args.push(file);
  const started = process.hrtime.bigint();
  const child = spawn('rg', args, { stdio: ['ignore', 'pipe', 'pipe'] });
  const lines = new Set<number>();
  let carry = '';
  let stderr = '';
  child.stdout.setEncoding('utf8');
  child.stdout.on('data', (text: string) => {
    const all = carry + text;
    const parts = all.split('\n');
    carry = parts.pop() ?? '';
    for (const p of parts) lines.add(Number(p.slice(0, p.indexOf(':'))));
  });
  child.stderr.on('data', (b) => (stderr += String(b)));
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  if (code !== 0 && code !== 1) throw new Error(`rg exited ${code}: ${stderr.slice(0, 300)}`);
  return { seconds, lines };
}

async function runOurs(file: string): Promise<{ seconds: number; lines: Set<number>; detections: number }> {
  const lines = new Set<number>();
  const started = process.hrtime.bigint();
  const result = await scanStream(createReadStream(file, { highWaterMark: 1 << 20 }), {
    ctx: { source: 'file', observedAt: new Date(0).toISOString() },
    onDetection: () => undefined,
    onMatch: (_m, _line, n) => lines.add(n),
  });
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  return { seconds, lines, detections: result.detections };
}

function sameSets(a: Set<number>, b: Set<number>): { same: boolean; onlyOurs: number[]; onlyRipgrep: number[] } {
  const onlyOurs = [...a].filter((n) => !b.has(n));
  const onlyRipgrep = [...b].filter((n) => !a.has(n));
  return {
    same: onlyOurs.length === 0 && onlyRipgrep.length === 0,
    onlyOurs: onlyOurs.slice(0, 10),
    onlyRipgrep: onlyRipgrep.slice(0, 10),
  };
}

/** Runs the benchmark; best of `rounds` (default 3) for each engine, on a warm page cache. */
export async function benchScan(opts: BenchScanOptions & { rounds?: number } = {}): Promise<object> {
  const log = opts.log ?? (() => undefined);
  const sizeBytes = opts.sizeBytes ?? 200 * 1024 * 1024;
  const matchRatio = opts.matchRatio ?? 0.01;
  const rounds = Math.max(1, opts.rounds ?? 3);
  const dir = opts.dir ?? mkdtempSync(join(tmpdir(), 'healer-bench-scan-'));
  const file = join(dir, 'agent.log');
  try {
    log(`generating ${(sizeBytes / 1e6).toFixed(0)} MB corpus in ${file}`);
    const corpus = await generateCorpus(file, sizeBytes, matchRatio);
    const bytes = statSync(file).size;
    const mb = bytes / (1024 * 1024);
    const rg = ensureRipgrep(opts.installRipgrep ?? true, log);
    // Rounds alternate between the engines so both see the same machine conditions; best of each.
    let ours = await runOurs(file); // also warms the page cache
    let best = rg.ok ? await runRipgrep(file) : undefined; // undefined only when rg is missing
    for (let i = 1; i < rounds; i++) {
      const again = await runOurs(file);
      if (again.seconds < ours.seconds) ours = again;
      if (best) {
        const rgAgain = await runRipgrep(file);
        if (rgAgain.seconds < best.seconds) best = rgAgain;
      }
      log(`round ${i + 1}: ours ${again.seconds.toFixed(3)} s`);
    }
    const oursResult = {
      mbPerSecond: +(mb / ours.seconds).toFixed(1),
      seconds: +ours.seconds.toFixed(3),
      matchingLines: ours.lines.size,
      detections: ours.detections,
    };
    let ripgrep: object;
    let comparison: object;
    if (rg.ok && best) {
      const cmp = sameSets(ours.lines, best.lines);
      ripgrep = {
        version: rg.version,
        command: 'rg -j1 -i -n -e <each catalog pattern> FILE',
        mbPerSecond: +(mb / best.seconds).toFixed(1),
        seconds: +best.seconds.toFixed(3),
        matchingLines: best.lines.size,
      };
      comparison = {
        ratio: +(best.seconds / ours.seconds).toFixed(3),
        target: 0.3,
        meetsTarget: best.seconds / ours.seconds >= 0.3,
        sameMatchingLines: cmp.same,
        onlyOurs: cmp.onlyOurs,
        onlyRipgrep: cmp.onlyRipgrep,
      };
    } else {
      const reason = rg.ok ? 'ripgrep did not run' : rg.reason;
      ripgrep = { available: false, reason };
      comparison = { ratio: null, sameMatchingLines: null, reason };
    }
    return {
      benchmark: 'scan-throughput',
      corpus: {
        bytes,
        megabytes: +mb.toFixed(1),
        lines: corpus.lines,
        plantedMatchingLines: corpus.planted,
        matchRatio,
      },
      cpu: 'one core (Node.js main thread, literal automaton in WebAssembly; rg -j1)',
      rounds,
      ours: oursResult,
      ripgrep,
      comparison,
      patterns: allPatterns().length,
    };
  } finally {
    if (!opts.keep && !opts.dir) rmSync(dir, { recursive: true, force: true });
  }
}

// ── detection latency and history size ──────────────────────────────────────────────────────────

export interface BenchLatencyOptions {
  /** A client on a server where a worker polls `taskQueue` with Healer's workflows. */
  client: Client;
  taskQueue: string;
  /** Lines appended one at a time to measure latency (default 50). */
  samples?: number;
  /** Detections sent in one burst to count history events (default 1000). */
  burst?: number;
  log?: (line: string) => void;
}

/** a, b, …, z, ba, …: distinct words, so lines differ after numbers are normalised away. */
const letters = (n: number): string =>
  [...n.toString(26)].map((c) => String.fromCharCode(97 + parseInt(c, 26))).join('');

interface BurstEvents {
  events: number;
  signals: number;
  continuedAsNew: boolean;
}

/**
 * Appends `lines` at once and counts every event they add to the session's history (signals and the
 * workflow tasks they cause), following a continue-as-new if one happens meanwhile.
 */
async function burstHistoryEvents(
  client: Client,
  playId: string,
  path: string,
  total: () => Promise<number>,
  lines: string[],
  log?: (line: string) => void,
): Promise<BurstEvents> {
  const handle = client.workflow.getHandle(sessionWorkflowId(playId));
  const runBefore = (await handle.describe()).runId;
  const eventsBefore = (await handle.fetchHistory()).events ?? [];
  const base = await total();
  appendFileSync(path, lines.map((l) => `${l}\n`).join(''));
  for (let seen = base; seen < base + lines.length; seen = await total()) {
    log?.(`burst: ${seen - base}/${lines.length}`);
    await new Promise((r) => setTimeout(r, 50));
  }
  await new Promise((r) => setTimeout(r, 1000)); // let the last workflow task complete
  const oldRun = (await client.workflow.getHandle(sessionWorkflowId(playId), runBefore).fetchHistory()).events ?? [];
  const runAfter = (await handle.describe()).runId;
  const newRun = runAfter === runBefore ? [] : ((await handle.fetchHistory()).events ?? []);
  const added = [...oldRun.slice(eventsBefore.length), ...newRun];
  return {
    events: added.length,
    signals: added.filter((e) => e.workflowExecutionSignaledEventAttributes?.signalName === 'detections').length,
    continuedAsNew: runAfter !== runBefore,
  };
}

const percentile = (sorted: number[], p: number): number =>
  sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];

/**
 * Latency from a line appended to a tailed file to the detection visible in the session's `status`
 * query (p50/p99, target p99 < 1 s), and `detections` signals (history events) per 1,000 detections
 * (target < 20). Starts its own session and scanner; the worker must already run.
 */
export async function benchDetectionLatency(opts: BenchLatencyOptions): Promise<object> {
  const samples = opts.samples ?? 50;
  const burst = opts.burst ?? 1000;
  const service = new SessionService(opts.client, { taskQueue: opts.taskQueue });
  const playId = `bench-latency-${Date.now().toString(36)}`;
  await service.start({ playId, repository: 'bench/healer', namespace: 'bench', agents: [], tasks: [] });
  const dir = mkdtempSync(join(tmpdir(), 'healer-bench-latency-'));
  const path = join(dir, 'agent.log');
  writeFileSync(path, '');
  const controller = new AbortController();
  const scanner = runScanner(
    {
      stateDir: join(dir, 'state'),
      namespace: 'bench',
      client: opts.client,
      taskQueue: opts.taskQueue,
      sources: [fileSource({ path, pollMs: 50, labels: { 'play-id': playId, agent: 'rex' } })],
      log: () => undefined,
    },
    controller.signal,
  );
  const total = async (): Promise<number> => (await service.get(playId)).detections.total;
  try {
    const latencies: number[] = [];
    for (let i = 0; i < samples; i++) {
      const before = await total();
      const started = process.hrtime.bigint();
      appendFileSync(path, `ERROR dial tcp 10.0.0.1:5432: connect: connection refused (sample ${i})\n`);
      while ((await total()) <= before) await new Promise((r) => setTimeout(r, 5));
      latencies.push(Number(process.hrtime.bigint() - started) / 1e6);
      opts.log?.(`sample ${i}: ${latencies[latencies.length - 1].toFixed(0)} ms`);
    }
    latencies.sort((a, b) => a - b);
    const flood = await burstHistoryEvents(
      opts.client,
      playId,
      path,
      total,
      Array.from({ length: burst }, (_, i) => `ERROR request ${i} failed: connection refused`),
      opts.log,
    );
    const distinct = await burstHistoryEvents(
      opts.client,
      playId,
      path,
      total,
      Array.from({ length: burst }, (_, i) => `ERROR dial tcp db-${letters(i)}:5432: connect: connection refused`),
      opts.log,
    );
    opts.log?.(
      `latency p50 ${percentile(latencies, 50).toFixed(0)} ms, p99 ${percentile(latencies, 99).toFixed(0)} ms; per ${burst} detections: ${flood.events} history events for one repeated failure, ${distinct.events} for distinct failures`,
    );
    const per1000 = (n: number): number => +((n * 1000) / burst).toFixed(1);
    const perBurst = (r: BurstEvents): object => ({
      events: per1000(r.events),
      detectionsSignals: per1000(r.signals),
      continuedAsNew: r.continuedAsNew,
    });
    return {
      benchmark: 'detection-latency',
      samples,
      latencyMs: {
        p50: +percentile(latencies, 50).toFixed(1),
        p99: +percentile(latencies, 99).toFixed(1),
        max: +latencies[latencies.length - 1].toFixed(1),
        target: { p99: 1000 },
      },
      historyEventsPer1000Detections: {
        target: 20,
        repeatedFailure: perBurst(flood),
        distinctFailures: perBurst(distinct),
      },
      note:
        'latency includes the file poll interval (50 ms) and the batch window (250 ms) by design. History events: every event a burst of lines appended at once adds to the session history (signals, workflow tasks, children); ' +
        'repeatedFailure is one failure logged 1,000 times (repeats travel as one detection with a count), distinctFailures is 1,000 different failures (100 per signal)',
    };
  } finally {
    controller.abort();
    await scanner;
    await service.end(playId, { reason: 'benchmark done' }).catch(() => undefined);
    rmSync(dir, { recursive: true, force: true });
  }
}
