// `npm run chaos [-- --name value …]`: a no-fault baseline, then the same workload under faults, each on
// a fresh `healer dev` stack against the project's fakes; writes bench-results/chaos.json and prints a
// table with the targets. Options (also as HEALER_CHAOS_<NAME> environment variables):
//   --incidents 50  --sessions 10  --github-faults 0.1,0.2,0.1 (502 before apply, applied then 502,
//   secondary rate limit)  --kill worker,llm-worker  --kill-every 3000-5000 (ms)  --temporal-kill-after
//   20000 (ms after the first push; 0: never)  --push-every 1000 (ms)  --timeout 300000 (ms per run)
//   --seed 1  --baseline 1  --keep 0 (1: keep each run's state directory, its Temporal database and
//   component logs, to inspect afterwards)
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { DefaultLogger, Runtime } from '@temporalio/worker';
import { projectRoot } from '../../runtime/paths';
import { startFakeGitHub } from '../../test/fakes/github';
import { startAnsweringGemini, CHAOS_FILE } from './answering-gemini';
import { startChaosDevStack } from './dev-stack';
import { NO_FAULTS, startFaultProxy, type FaultRates } from './fault-proxy';
import { runChaos, type ChaosOptions, type ChaosRunResult } from './scenario';
import { evaluateTargets, printTable } from './targets';

const REPO = 'chaos/app';
const GEMINI_KEY = 'chaos-key';

function option(name: string, fallback: string): string {
  const flag = process.argv.indexOf(`--${name}`);
  if (flag >= 0 && process.argv[flag + 1] !== undefined) return process.argv[flag + 1];
  return process.env[`HEALER_CHAOS_${name.toUpperCase().replace(/-/g, '_')}`] ?? fallback;
}

function numbers(name: string, fallback: string, count: number): number[] {
  const values = option(name, fallback)
    .split(/[,-]/)
    .map((v) => Number(v.trim()));
  if (values.length !== count || values.some((v) => !Number.isFinite(v) || v < 0)) {
    console.error(
      `--${name}: expected ${count} non-negative number(s) like "${fallback}", got "${option(name, fallback)}"`,
    );
    process.exit(2);
  }
  return values;
}

async function oneRun(options: ChaosOptions, faults: FaultRates, keep: boolean): Promise<ChaosRunResult> {
  const stateDir = mkdtempSync(join(tmpdir(), `healer-chaos-${options.label}-`));
  const log = (line: string) => console.error(line);
  const github = await startFakeGitHub({ files: { [CHAOS_FILE]: 'pub fn load() -> u32 { None.unwrap() }\n' } });
  const proxy = await startFaultProxy(github.url, faults, options.seed);
  const gemini = await startAnsweringGemini(GEMINI_KEY);
  const stack = await startChaosDevStack({
    stateDir,
    githubUrl: proxy.url,
    geminiUrl: gemini.url,
    geminiKey: GEMINI_KEY,
    log: (line) => log(`  ${line}`),
  });
  try {
    const result = await runChaos(stack, github, options, log);
    return { ...result, githubFaults: { ...proxy.counts } };
  } finally {
    await stack.stop();
    await Promise.all([proxy.stop(), github.stop(), gemini.stop()]);
    if (keep) log(`[${options.label}] state kept in ${stateDir}`);
    else rmSync(stateDir, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  try {
    Runtime.install({ logger: new DefaultLogger('WARN') });
  } catch {
    // installed already
  }
  const [incidents] = numbers('incidents', '50', 1);
  const [sessions] = numbers('sessions', '10', 1);
  const [beforeApply, afterApply, secondaryRateLimit] = numbers('github-faults', '0.1,0.2,0.1', 3);
  const [killMin, killMax] = numbers('kill-every', '3000-5000', 2);
  const [temporalKillAfter] = numbers('temporal-kill-after', '20000', 1);
  const [timeoutMs] = numbers('timeout', '300000', 1);
  const [pushEveryMs] = numbers('push-every', '1000', 1);
  const [seed] = numbers('seed', '1', 1);
  const [baseline] = numbers('baseline', '1', 1);
  const [keep] = numbers('keep', '0', 1);
  const kill = option('kill', 'worker,llm-worker').split(',').filter(Boolean);
  const common = { incidents, sessions, repository: REPO, pushEveryMs, timeoutMs, seed };

  const results: Record<string, ChaosRunResult> = {};
  if (baseline)
    results.baseline = await oneRun(
      { ...common, label: 'baseline', kill: [], killEveryMs: [killMin, killMax] },
      NO_FAULTS,
      keep > 0,
    );
  results.faults = await oneRun(
    {
      ...common,
      label: 'faults',
      kill,
      killEveryMs: [killMin, killMax],
      ...(temporalKillAfter > 0 ? { killTemporalAfterMs: temporalKillAfter } : {}),
    },
    { beforeApply, afterApply, secondaryRateLimit },
    keep > 0,
  );

  const targets = evaluateTargets(results.faults, results.baseline);
  const report = {
    at: new Date().toISOString(),
    machine: { node: process.version, cpus: cpus().length },
    options: {
      ...common,
      githubFaults: { beforeApply, afterApply, secondaryRateLimit },
      kill,
      killEveryMs: [killMin, killMax],
      temporalKillAfterMs: temporalKillAfter,
    },
    targets,
    ...results,
  };
  const dir = join(projectRoot(), 'bench-results');
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'chaos.json'), `${JSON.stringify(report, null, 2)}\n`);
  printTable(results, targets, (line) => console.error(line));
  console.error(`results written to ${join(dir, 'chaos.json')}`);
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
