// Context recall: scripted multi-agent sessions in which the line that caused a failure sits in ANOTHER
// agent's log 10 s to 4 min before the detection, among thousands of noise lines (progress chatter, a
// flood of one repeated error, unrelated errors). Each scenario's window is gathered by the real context
// activity through the real clients — Loki's query_range against the fake Loki, or pod logs against the
// fake Kubernetes API — and the figure is the share of scenarios whose gathered context holds the causal
// line (target ≥ 0.95), with the size of what the model reads: the evaluation prompt (p95 target ≤ 24 kB).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createContextActivities } from '../../activities/incident/context';
import { kubernetesWindowSource, lokiWindowSource } from '../../activities/incident/log-window';
import { DEFAULT_ATTRIBUTION_LABELS, type Detection } from '../../core/contract';
import { DEFAULT_CONTEXT_WINDOW } from '../../core/incident/log-window';
import { evaluationPrompt } from '../../core/incident/prompts';
import { getMatcher } from '../../core/detection/matcher';
import { startFakeLoki } from '../../test/fakes/loki';
import { kubeConfigFor, startFakeKubernetes } from '../../test/fakes/kubernetes';
import { percentile } from './stats';

/** A root cause in one agent's log and the failure it causes later in another's. */
interface CausePair {
  cause: string;
  symptom: string;
}

const PAIRS: CausePair[] = [
  { cause: 'ERROR connection refused to tools-server:8080', symptom: 'ERROR MCP server failed to initialize' },
  {
    cause: 'ERROR tools-server unreachable: dial tcp 10.0.4.12:8080: i/o timeout',
    symptom: 'ERROR tool inventory mismatch: declared tools missing: github_create_pull_request',
  },
  {
    cause: 'fatal error: out of memory allocating 268435456 bytes',
    symptom: 'ERROR upstream agent rex exited, handoff failed: connection reset by peer',
  },
  {
    cause: 'ERROR cto-config.json invalid: unexpected token } at line 41',
    symptom: 'ERROR role implementer is undefined for task 3',
  },
  {
    cause: 'ERROR git push failed: remote: Invalid username or token. Bad credentials',
    symptom: 'ERROR max retries exceeded while waiting for PR #41',
  },
  {
    cause: "EACCES: permission denied, open '/workspace/.cache/cargo/registry/index'",
    symptom: "thread 'main' panicked at src/build.rs:22:9: cache unavailable",
  },
  {
    cause: 'ERROR postgres.cto.svc.cluster.local:5432 connection refused',
    symptom: 'ERROR integration tests timed out after 600s',
  },
  {
    cause: 'WARN pod tools-server-7f9c evicted: the node was low on memory',
    symptom: 'ERROR mcp server github failed to initialize: tools-server did not answer',
  },
  { cause: 'ERROR template code/claude.md.hbs not found', symptom: 'ERROR prompt for task 7 is empty' },
  {
    cause: 'ERROR 503 Service Unavailable from https://api.github.com/repos/5dlabs/cto/pulls',
    symptom: 'ERROR max retries exceeded: giving up after 5 attempts',
  },
];
const AGENTS = ['rex', 'cleo', 'tess', 'blaze', 'cipher'];
export const SCENARIOS = 30;

/** Deterministic pseudo-random numbers (mulberry32), so every run scripts the same sessions. */
function random(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface ScriptedLine {
  offsetSecs: number;
  agent: string;
  line: string;
}

export interface Scenario {
  index: number;
  agents: string[];
  causeAgent: string;
  detectingAgent: string;
  causeOffsetSecs: number;
  pair: CausePair;
  lines: ScriptedLine[];
}

/** Scenario i: 3–5 agents, the cause 10 s–4 min before the detection, 2,000–6,000 noise lines. */
export function scenario(index: number): Scenario {
  const rand = random(1000 + index);
  const agents = AGENTS.slice(0, 3 + (index % 3));
  const causeAgent = agents[index % agents.length];
  const detectingAgent = agents[(index + 1) % agents.length];
  const causeOffsetSecs = -(10 + Math.round((230 * index) / (SCENARIOS - 1)));
  const pair = PAIRS[index % PAIRS.length];
  const noise = 2000 + Math.floor(rand() * 4000);
  const lines: ScriptedLine[] = [];
  const anyAgent = () => agents[Math.floor(rand() * agents.length)];
  for (let i = 0; i < noise; i++) {
    const offsetSecs = -300 + rand() * 360;
    const kind = rand();
    const line =
      kind < 0.9
        ? `INFO step ${i}: ${['compiling crate', 'running tests', 'reading file src/lib.rs', 'calling tool github_get_file_contents', 'waiting for review'][i % 5]} (${Math.floor(rand() * 1e6)})`
        : kind < 0.97
          ? `WARN request to api.openai.com timed out after 30s, retrying (${i})` // one flood of the same failure
          : `ERROR cache miss for key session:${Math.floor(rand() * 1e6)}`;
    lines.push({ offsetSecs, agent: anyAgent(), line });
  }
  // A few unrelated failures of their own, anywhere in the window.
  for (const [k, line] of [
    'ERROR lint: 3 problems (3 errors) in src/orders.ts',
    'ERROR dns lookup failed for registry.npmjs.org',
    'fatal error: unexpected EOF in vendor/archive.tar',
  ].entries())
    lines.push({ offsetSecs: -250 + k * 70 + rand() * 20, agent: anyAgent(), line });
  lines.push({ offsetSecs: causeOffsetSecs, agent: causeAgent, line: pair.cause });
  lines.push({ offsetSecs: 0, agent: detectingAgent, line: pair.symptom });
  return { index, agents, causeAgent, detectingAgent, causeOffsetSecs, pair, lines };
}

function detectionOf(s: Scenario, at: Date, playId: string): Detection {
  const match = getMatcher().matchLine(s.pair.symptom, { source: 'loki', observedAt: at.toISOString() });
  return {
    code: match?.code ?? 'G1',
    severity: match?.severity ?? 'low',
    priority: match?.priority ?? 'P3',
    patternId: match?.patternId ?? 'bench',
    fingerprint: `${playId}-symptom`,
    line: s.pair.symptom,
    source: 'loki',
    observedAt: at.toISOString(),
    agent: s.detectingAgent,
  };
}

export async function benchContext(opts: { scenarios?: number } = {}): Promise<object> {
  const count = opts.scenarios ?? SCENARIOS;
  const loki = await startFakeLoki();
  const k8s = await startFakeKubernetes();
  const stateDir = mkdtempSync(join(tmpdir(), 'healer-bench-context-'));
  const sources = {
    loki: lokiWindowSource({ url: loki.url, labels: DEFAULT_ATTRIBUTION_LABELS }),
    kubernetes: kubernetesWindowSource({ kubeConfig: kubeConfigFor(k8s), labels: DEFAULT_ATTRIBUTION_LABELS }),
  };
  const results: Array<{
    scenario: number;
    source: string;
    agents: number;
    noiseLines: number;
    causeOffsetSecs: number;
    found: boolean;
    /** Would the same number of lines nearest the detection (no catalog or dependency preference) hold it? */
    nearestOnlyFound: boolean;
    keptLines: number;
    windowBytes: number;
    promptBytes: number;
    gatherMs: number;
  }> = [];
  try {
    for (let i = 0; i < count; i++) {
      const s = scenario(i);
      const playId = `bench-${i}`;
      const detectedAt = new Date(Date.now() - 61_000); // the window's end has passed, as when an incident gathers
      const at = (offsetSecs: number) => new Date(detectedAt.getTime() + offsetSecs * 1000);
      // Every third scenario reads pod logs from Kubernetes, the others Loki.
      const source = i % 3 === 2 ? 'kubernetes' : 'loki';
      if (source === 'loki') {
        for (const [n, l] of s.lines.entries())
          loki.push(
            { namespace: 'cto', play_id: playId, agent: l.agent, pod: `${l.agent}-${playId}` },
            l.line,
            BigInt(at(l.offsetSecs).getTime()) * 1_000_000n + BigInt(n % 1000),
          );
      } else {
        for (const agent of s.agents)
          k8s.addPod({
            metadata: { name: `${agent}-${playId}`, namespace: 'cto', labels: { 'play-id': playId, agent } },
            spec: { containers: [{ name: 'agent' }] },
          });
        for (const l of [...s.lines].sort((a, b) => a.offsetSecs - b.offsetSecs))
          k8s.appendLog('cto', `${l.agent}-${playId}`, 'agent', l.line, at(l.offsetSecs));
      }
      const detection = detectionOf(s, detectedAt, playId);
      const activities = createContextActivities({ stateDir, sources: [sources[source]] });
      const started = performance.now();
      const ref = await activities.gatherContext({
        incidentId: `incident-${playId}`,
        playId,
        namespace: 'cto',
        detection,
        contextWindow: DEFAULT_CONTEXT_WINDOW,
      });
      const gatherMs = performance.now() - started;
      const prompt = evaluationPrompt(detection, ref.excerpt, ref.notes, undefined, ref);
      results.push({
        scenario: i,
        source,
        agents: s.agents.length,
        noiseLines: s.lines.length - 2,
        causeOffsetSecs: s.causeOffsetSecs,
        found: ref.excerpt.some((line) => line.endsWith(`| ${s.pair.cause}`)),
        nearestOnlyFound: [...s.lines]
          .filter(
            (l) =>
              l.offsetSecs >= -DEFAULT_CONTEXT_WINDOW.beforeSecs && l.offsetSecs <= DEFAULT_CONTEXT_WINDOW.afterSecs,
          )
          .sort((a, b) => Math.abs(a.offsetSecs) - Math.abs(b.offsetSecs))
          .slice(0, ref.excerpt.length)
          .some((l) => l.line === s.pair.cause),
        keptLines: ref.excerpt.length,
        windowBytes: ref.summary?.bytes ?? 0,
        promptBytes: Buffer.byteLength(prompt),
        gatherMs: Math.round(gatherMs),
      });
    }
  } finally {
    await loki.close();
    await k8s.close();
    rmSync(stateDir, { recursive: true, force: true });
  }
  const sorted = (key: 'promptBytes' | 'windowBytes' | 'gatherMs') => results.map((r) => r[key]).sort((a, b) => a - b);
  const recall = results.filter((r) => r.found).length / results.length;
  const promptP95 = percentile(sorted('promptBytes'), 95);
  return {
    scenarios: results.length,
    recall,
    recallTarget: 0.95,
    /** The same number of lines, chosen only by nearness to the detection: what the window would hold without the catalog. */
    nearestOnlyRecall: results.filter((r) => r.nearestOnlyFound).length / results.length,
    contextBytes: { p50: percentile(sorted('promptBytes'), 50), p95: promptP95, max: sorted('promptBytes').at(-1) },
    contextBytesTarget: 24 * 1024,
    windowBytes: { p50: percentile(sorted('windowBytes'), 50), p95: percentile(sorted('windowBytes'), 95) },
    gatherMs: { p50: percentile(sorted('gatherMs'), 50), p95: percentile(sorted('gatherMs'), 95) },
    meetsTargets: recall >= 0.95 && promptP95 <= 24 * 1024,
    caps: DEFAULT_CONTEXT_WINDOW,
    missed: results
      .filter((r) => !r.found)
      .map((r) => ({
        scenario: r.scenario,
        cause: scenario(r.scenario).pair.cause,
        causeOffsetSecs: r.causeOffsetSecs,
      })),
    perScenario: results,
  };
}
