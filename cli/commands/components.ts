// `healer worker|llm-worker|api|watchdog|mcp|scanner`: one component per process (what `healer dev`
// supervises and what Kubernetes runs).
/* eslint-disable @typescript-eslint/no-require-imports -- each command loads its code when it runs */
import type { ComponentName } from '../components';
import { loadConfigFor, type CommandRegistration } from '../context';
import { listEnvironment } from '../env-help';

const COMPONENTS: Array<{ name: ComponentName; summary: string; description: string }> = [
  {
    name: 'worker',
    summary: 'the main worker (task queue "healer")',
    description:
      'Polls task queue "healer" (sessions, incidents, their activities); stops gracefully on SIGINT/SIGTERM.',
  },
  {
    name: 'llm-worker',
    summary: 'the model gateway worker (task queue "healer-llm")',
    description:
      'Serves model calls on task queue "healer-llm" under HEALER_LLM_RATE_PER_SECOND, shared by all workers, and runs the budget and breaker workflows those calls use.',
  },
  {
    name: 'api',
    summary: 'the HTTP API (HEALER_API_HOST:HEALER_PORT)',
    description: 'Serves the HTTP API and MCP over HTTP (/mcp) on HEALER_API_HOST:HEALER_PORT until SIGINT/SIGTERM.',
  },
  {
    name: 'watchdog',
    summary: "the watchdog's worker: heartbeats, recovery playbooks",
    description:
      'Runs the watchdog\'s own worker (task queue "healer-watchdog") and the watchdog-<namespace> workflow: ' +
      'heartbeats, recovery playbooks from playbooks/, bounded restarts, the audit log.',
  },
  {
    name: 'mcp',
    summary: 'the MCP server on stdin/stdout (also on the API)',
    description: "Serves Healer's MCP tools on stdin/stdout.",
  },
  {
    name: 'scanner',
    summary: 'the log and cluster-state scanner (Loki, pods, files)',
    description:
      'Scans log sources and cluster state and signals detections to the sessions, batched. Sources: Loki ' +
      '(LOKI_URL), Kubernetes pod logs and Pods/CodeRuns state (KUBECONFIG or in-cluster), a file or stdin ' +
      '(HEALER_LOG_FILE). Cursors are kept under the state directory, so a restart neither loses nor repeats lines.',
  },
];

export const registerComponents: CommandRegistration = (program, ctx) => {
  for (const component of COMPONENTS) {
    const command = program
      .command(component.name)
      .helpGroup('Components (one process each):')
      .summary(component.summary)
      .description(component.description)
      .action(async () => {
        const { runComponent } = require('../components') as typeof import('../components');
        ctx.exitCode = await runComponent(component.name, loadConfigFor(ctx), ctx.io);
      });
    listEnvironment(command, [component.name]);
  }
};
