// `npm run bench [name ...]`: runs the benchmarks and writes their results as JSON to bench-results/.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { projectRoot } from '../../runtime/paths';
import { benchApiLatency } from './api-latency';
import { benchCliStartup } from './cli-startup';
import { benchContext } from './context';
import { benchDetectionLatencyOnOwnServer } from './detection-latency';
import { benchIncidents } from './incidents';
import { benchModel } from './model';
import { benchRecovery } from './recovery';
import { benchScan } from './scan';
import { benchScaling } from './scaling';
import { benchSessions } from './sessions';

type Bench = () => Promise<object>;

const env = (key: string, fallback: number): number => (process.env[key] ? Number(process.env[key]) : fallback);

/** Each writes bench-results/<name>.json. Sizes can be reduced through the environment for a quick look. */
const benches: Record<string, Bench> = {
  'api-latency': () =>
    benchApiLatency({
      sessions: env('HEALER_BENCH_API_SESSIONS', 200),
      listSessions: env('HEALER_BENCH_API_LIST_SESSIONS', 2000),
      pushConnections: env('HEALER_BENCH_API_PUSH_CONNECTIONS', 200),
    }),
  scan: () => benchScan({ sizeBytes: env('HEALER_BENCH_SCAN_MB', 200) * 1024 * 1024 }),
  'detection-latency': () => benchDetectionLatencyOnOwnServer(),
  incidents: () => benchIncidents(),
  model: () => benchModel(),
  recovery: () => benchRecovery({ timeScale: env('HEALER_BENCH_RECOVERY_SCALE', 1) }),
  sessions: () => benchSessions(),
  scaling: () => benchScaling({ incidents: env('HEALER_BENCH_SCALING_INCIDENTS', 40) }),
  'cli-startup': () => benchCliStartup({ runs: env('HEALER_BENCH_CLI_RUNS', 20) }),
  context: () => benchContext({ scenarios: env('HEALER_BENCH_CONTEXT_SCENARIOS', 30) }),
};

async function main(): Promise<void> {
  const requested = process.argv.slice(2);
  const unknown = requested.filter((name) => !(name in benches));
  if (unknown.length) {
    console.error(`unknown benchmark(s): ${unknown.join(', ')}; available: ${Object.keys(benches).join(', ')}`);
    process.exit(2);
  }
  const names = requested.length ? requested : Object.keys(benches);
  const dir = join(projectRoot(), 'bench-results');
  mkdirSync(dir, { recursive: true });
  const summary: Record<string, unknown> = {
    machine: { node: process.version, cpus: (await import('node:os')).cpus().length },
    at: new Date().toISOString(),
  };
  for (const name of names) {
    console.error(`== ${name}`);
    const started = Date.now();
    try {
      const result = await benches[name]();
      summary[name] = { ...result, benchSeconds: Math.round((Date.now() - started) / 100) / 10 };
    } catch (error) {
      summary[name] = { error: (error as Error).message };
    }
    writeFileSync(join(dir, `${name}.json`), `${JSON.stringify(summary[name], null, 2)}\n`);
    console.error(JSON.stringify(summary[name], null, 2));
  }
  writeFileSync(join(dir, 'summary.json'), `${JSON.stringify(summary, null, 2)}\n`);
  console.error(`results written to ${dir}`);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
