// The `healer` command.
import { ConfigError, loadConfig, type HealerConfig } from '../runtime/config';
import { ApiError } from './api-client';
import { processIo, UsageError, type CliIo } from './io';
import { runSessionCommand } from './session';
import { startApi } from '../api/server';
import { serveMcpStdio } from '../api/mcp';
import { startMainWorker } from '../workers/main';
import { startLlmWorker } from '../workers/llm';
import { runWatchdogWorker, watchdogOptionsFromConfig } from '../workers/watchdog';
import { startComponentHeartbeat } from '../workers/heartbeat';
import { installTemporalMetrics, serveComponentMetrics } from '../workers/observability';
import { runAuditCommand } from './audit';
import { runScanCommand } from './scan';
import { runScannerFromEnv } from '../scanner/scanner';
import { join } from 'node:path';
import { runDemo } from './demo';
import { startDevStack, untilSignal } from './dev';

const HELP = `Usage: healer <command> [options]

Local stack
  dev                 start everything locally: a Temporal dev server (if none answers at
                      TEMPORAL_ADDRESS), the worker, llm-worker, scanner, watchdog and API;
                      prints their addresses
  demo [--exit]       dev, plus a sample play session from examples/ and where to see it

Components (one process each)
  worker              the main worker (task queue "healer")
  llm-worker          the model gateway's worker (task queue "healer-llm", globally rate-limited)
  api                 the HTTP API (HEALER_PORT, default 8083)
  watchdog            the watchdog's own worker: heartbeats, recovery playbooks, bounded restarts
  mcp                 the MCP server on stdin/stdout (the API also serves it at /mcp)

  scanner             the long-running log and cluster-state scanner (Loki, pod logs, files)

Tools
  scan FILE|-         scan a log file or stdin offline (--json); exit 0 nothing found, 1 found, 2 error
  audit verify [FILE] check the hash chain of the audit log; names the first bad entry

Talking to the API
  session start|list|show|end   see \`healer session --help\`

Run \`healer <command> --help\` for a command's options. Configuration comes from the environment
(TEMPORAL_ADDRESS, HEALER_PORT, HEALER_API_TOKEN, ...; see the README).`;

const SCANNER_HELP = `Usage: healer scanner

Scans log sources and cluster state and signals detections to the sessions, batched.
Sources: LOKI_URL (+ LOKI_QUERY, LOKI_ORG_ID); Kubernetes pod logs and Pods/CodeRuns state when
KUBECONFIG is set or in-cluster (HEALER_SCANNER_LABEL_SELECTOR, HEALER_CODERUN_VERSION,
HEALER_SCANNER_POD_LOGS=false); HEALER_LOG_FILE (a path, or - for stdin) with HEALER_LOG_LABELS
("play-id=42,agent=rex"). Cursors are kept in HEALER_SCANNER_STATE_DIR (default .healer/scanner).`;

type Command = (argv: string[], io: CliIo) => Promise<number>;

const withConfig =
  (fn: (config: HealerConfig, argv: string[], io: CliIo) => Promise<number>): Command =>
  (argv, io) =>
    fn(loadConfig(), argv, io);

function expectNoArgs(name: string, argv: string[], io: CliIo, help: string): boolean {
  if (argv.includes('--help') || argv.includes('-h')) {
    io.stdout.write(`${help}\n`);
    return true;
  }
  if (argv.length) throw new UsageError(`${name} takes no arguments (got ${argv.join(' ')})`);
  return false;
}

const commands: Record<string, Command> = {
  dev: withConfig(async (config, argv, io) => {
    if (expectNoArgs('dev', argv, io, 'Usage: healer dev\n\nStarts the local stack and runs until Ctrl-C.')) return 0;
    const stack = await startDevStack(config, (line) => io.stderr.write(`${line}\n`));
    io.stdout.write(
      `Healer is running.\n  API:          ${stack.apiUrl}\n  Temporal UI:  ${stack.uiUrl}\n  Temporal:     ${stack.temporalAddress}\n  Supervisor:   ${stack.supervisorUrl}\nPress Ctrl-C to stop.\n`,
    );
    await untilSignal();
    await stack.stop();
    return 0;
  }),
  demo: withConfig(async (config, argv, io) => {
    const exit = argv.includes('--exit');
    if (
      expectNoArgs(
        'demo',
        argv.filter((a) => a !== '--exit'),
        io,
        'Usage: healer demo [--exit]\n\n--exit  stop after showing the session (default: run until Ctrl-C)',
      )
    )
      return 0;
    return runDemo(config, io, { exit });
  }),
  worker: withConfig(async (config, argv, io) => {
    if (
      expectNoArgs(
        'worker',
        argv,
        io,
        'Usage: healer worker\n\nPolls task queue "healer"; stops gracefully on SIGINT/SIGTERM.',
      )
    )
      return 0;
    installTemporalMetrics(config);
    const running = await startMainWorker(config);
    const metrics = await serveComponentMetrics(config, 'worker', () => running.worker.getState() === 'RUNNING');
    const heartbeat = await startComponentHeartbeat(config, 'worker');
    io.stderr.write(`worker polling "healer" on ${config.temporal.address}\n`);
    await running.done;
    await heartbeat.stop();
    await metrics.close();
    return 0;
  }),
  'llm-worker': withConfig(async (config, argv, io) => {
    if (
      expectNoArgs(
        'llm-worker',
        argv,
        io,
        'Usage: healer llm-worker\n\nServes model calls on task queue "healer-llm" under HEALER_LLM_RATE_PER_SECOND.',
      )
    )
      return 0;
    installTemporalMetrics(config);
    const running = await startLlmWorker(config);
    const metrics = await serveComponentMetrics(config, 'llm-worker', () => running.worker.getState() === 'RUNNING');
    const heartbeat = await startComponentHeartbeat(config, 'llm-worker');
    io.stderr.write(
      `model gateway worker polling "healer-llm" on ${config.temporal.address}${config.gemini.apiKey ? '' : ' (no GEMINI_API_KEY: the rule-based evaluator serves)'}\n`,
    );
    await running.done;
    await heartbeat.stop();
    await metrics.close();
    return 0;
  }),
  api: withConfig(async (config, argv, io) => {
    if (expectNoArgs('api', argv, io, 'Usage: healer api\n\nServes the HTTP API on HEALER_API_HOST:HEALER_PORT.'))
      return 0;
    const api = await startApi(config);
    io.stderr.write(`API listening on ${api.url}\n`);
    await untilSignal();
    await api.close();
    return 0;
  }),
  watchdog: withConfig(async (config, argv, io) => {
    if (
      expectNoArgs(
        'watchdog',
        argv,
        io,
        `Usage: healer watchdog\n\nRuns the watchdog's own worker (task queue "healer-watchdog") and the watchdog-<namespace> workflow:\nheartbeats, recovery playbooks from playbooks/, bounded restarts, the audit log.`,
      )
    )
      return 0;
    installTemporalMetrics(config);
    const running = await runWatchdogWorker(watchdogOptionsFromConfig(config));
    const metrics = await serveComponentMetrics(config, 'watchdog', () => true);
    io.stderr.write(
      `watchdog for namespace ${config.namespace} polling "healer-watchdog" on ${config.temporal.address}\n`,
    );
    await running.done;
    await metrics.close();
    return 0;
  }),
  audit: (argv, io) => runAuditCommand(argv, io),
  scan: (argv, io) => runScanCommand(argv, io),
  scanner: withConfig(async (config, argv, io) => {
    if (expectNoArgs('scanner', argv, io, SCANNER_HELP)) return 0;
    const heartbeat = await startComponentHeartbeat(config, 'scanner');
    const metrics = await serveComponentMetrics(config, 'scanner', () => true);
    try {
      const stats = await runScannerFromEnv({
        HEALER_SCANNER_STATE_DIR: join(config.stateDir, 'scanner'),
        HEALER_SCANNER_NAMESPACE: config.namespace,
        ...process.env,
      });
      io.stderr.write(
        `scanner stopped: ${stats.lines} lines, ${stats.detections} detections, ${stats.batches} batches\n`,
      );
    } finally {
      await heartbeat.stop();
      await metrics.close();
    }
    return 0;
  }),
  mcp: withConfig(async (config, argv, io) => {
    if (expectNoArgs('mcp', argv, io, "Usage: healer mcp\n\nServes Healer's MCP tools on stdin/stdout.")) return 0;
    await serveMcpStdio(config);
    return 0;
  }),
  session: async (argv, io) => {
    const config = loadConfig();
    return runSessionCommand(argv, io, {
      baseUrl: process.env.HEALER_API_URL?.replace(/\/+$/, '') ?? config.api.publicUrl,
      token: config.api.token,
    });
  },
};

export async function main(argv: string[], io: CliIo = processIo()): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    io.stdout.write(`${HELP}\n`);
    return name ? 0 : 2;
  }
  const command = Object.hasOwn(commands, name) ? commands[name] : undefined;
  try {
    if (!command) throw new UsageError(`unknown command "${name}"`);
    return await command(rest, io);
  } catch (error) {
    if (error instanceof UsageError || (error as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) {
      io.stderr.write(
        `healer: ${(error as Error).message}\nRun \`healer ${command ? `${name} ` : ''}--help\` for usage.\n`,
      );
      return 2;
    }
    if (error instanceof ConfigError) {
      io.stderr.write(`healer: ${error.message}\n`);
      return 2;
    }
    if (error instanceof ApiError) {
      io.stderr.write(`healer: ${error.message}\n`);
      return 1;
    }
    io.stderr.write(`healer: ${(error as Error).stack ?? String(error)}\n`);
    return 1;
  }
}

if (require.main === module) {
  void main(process.argv.slice(2)).then((code) => process.exit(code));
}
