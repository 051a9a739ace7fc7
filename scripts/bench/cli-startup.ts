// `cli-startup`: how fast the `healer` command answers, each run a fresh `node bin/healer.js` process:
// `healer --help`, and `healer scan` of a 1 kB agent log, next to a bare `node -e 0` (what Node itself
// costs on this machine). The three are interleaved so they share whatever else the machine is doing.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { projectRoot } from '../../runtime/paths';
import { percentile } from './stats';

const TARGET_MS = 150;

/** A 1 kB agent log (examples/agent.log repeated, cut at a line end), with failures to find. */
function smallLog(): string {
  const lines = readFileSync(join(projectRoot(), 'examples', 'agent.log'), 'utf8')
    .split('\n')
    .filter(Boolean);
  let text = '';
  for (let i = 0; Buffer.byteLength(`${text}${lines[i % lines.length]}\n`) <= 1024; i++)
    text += `${lines[i % lines.length]}\n`;
  const path = join(mkdtempSync(join(tmpdir(), 'healer-bench-cli-')), 'agent-1k.log');
  writeFileSync(path, text);
  return path;
}

/** Milliseconds from spawn to exit; fails the benchmark when the command does not exit as expected. */
function timed(args: string[], okCodes: number[]): number {
  const started = process.hrtime.bigint();
  const result = spawnSync(process.execPath, args, { cwd: projectRoot(), stdio: ['ignore', 'ignore', 'pipe'] });
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  if (!okCodes.includes(result.status ?? -1))
    throw new Error(`node ${args.join(' ')} exited ${result.status}: ${result.stderr.toString().slice(0, 500)}`);
  return ms;
}

const stats = (samples: number[]) => {
  const sorted = [...samples].sort((a, b) => a - b);
  const round = (x: number) => Math.round(x * 10) / 10;
  return { p50: round(percentile(sorted, 50)), p95: round(percentile(sorted, 95)) };
};

export async function benchCliStartup(opts: { runs: number }): Promise<object> {
  const log = smallLog();
  const bin = join(projectRoot(), 'bin', 'healer.js');
  const commands = {
    node: { args: ['-e', '0'], okCodes: [0] },
    help: { args: [bin, '--help'], okCodes: [0] },
    scan: { args: [bin, 'scan', log], okCodes: [0, 1] }, // 1: detections found, as expected in this log
  };
  const samples: Record<keyof typeof commands, number[]> = { node: [], help: [], scan: [] };
  timed(commands.help.args, commands.help.okCodes); // warm the file-system cache once
  for (let run = 0; run < opts.runs; run++)
    for (const [name, command] of Object.entries(commands))
      samples[name as keyof typeof commands].push(timed(command.args, command.okCodes));
  const help = stats(samples.help);
  const scan = stats(samples.scan);
  return {
    runs: opts.runs,
    targetMs: TARGET_MS,
    scanFileBytes: readFileSync(log).length,
    nodeBaselineMs: stats(samples.node),
    helpMs: help,
    scanMs: scan,
    withinTarget: help.p50 < TARGET_MS && scan.p50 < TARGET_MS,
  };
}
