// `healer demo`: the local stack plus a sample play session from examples/, its status, and where to look.
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { SessionView } from '../core/contract';
import type { HealerConfig } from '../runtime/config';
import { projectRoot } from '../runtime/paths';
import { apiRequest } from './api-client';
import { showCiFailureHealed } from './demo-ci';
import { showMultiAgentContext } from './demo-context';
import { startDevStack } from './dev';
import type { CliIo } from './io';
import { renderView } from './session';
import { untilSignal } from './signals';

/** Waits until the pushed detections are counted and every incident has left its first steps. */
async function settled(
  api: { baseUrl: string; token?: string },
  playId: string,
  detections: number,
): Promise<SessionView> {
  const deadline = Date.now() + 30_000;
  let view = await apiRequest<SessionView>(api, 'GET', `/api/v1/session/${playId}`);
  while (Date.now() < deadline) {
    const busy = view.incidents.some((i) => i.status === 'open' && !i.issue);
    if (view.detections.total >= detections && view.incidents.length > 0 && !busy) return view;
    await new Promise((r) => setTimeout(r, 300));
    view = await apiRequest<SessionView>(api, 'GET', `/api/v1/session/${playId}`);
  }
  return view;
}

/**
 * The demo's shorter windows, unless configured: incidents gather 5 s after their detection (not a minute)
 * and an agent's pre-flight checklist closes after 10 s, so the result shows within the demo.
 */
function demoWindows(config: HealerConfig): Record<string, string> {
  const unset = (key: string) => config.sources[key]?.source !== 'env';
  return {
    ...(unset('context.afterSecs') ? { HEALER_CONTEXT_AFTER_SECS: '5' } : {}),
    ...(unset('preflightWindowMs') ? { HEALER_PREFLIGHT_WINDOW_MS: '10000' } : {}),
  };
}

export async function runDemo(config: HealerConfig, io: CliIo, opts: { exit: boolean }): Promise<number> {
  const log = (line: string) => io.stderr.write(`${line}\n`);
  // The CI part delivers a signed webhook: without a configured secret the demo's stack shares a fresh one.
  const webhookSecret = config.ci.webhookSecret ?? randomBytes(16).toString('hex');
  const stack = await startDevStack(config, log, {
    env: { GITHUB_WEBHOOK_SECRET: webhookSecret, ...demoWindows(config) },
  });
  const api = { baseUrl: stack.apiUrl, token: config.api.token };
  try {
    const payload = JSON.parse(readFileSync(join(projectRoot(), 'examples', 'session.json'), 'utf8')) as Record<
      string,
      unknown
    >;
    // A fresh play id per run, so the demo can be run again while an earlier demo session is active.
    const playId = `demo-${new Date().toISOString().replace(/[-:T]/g, '').slice(0, 14)}`;
    await apiRequest(api, 'POST', '/api/v1/session/start', { ...payload, play_id: playId });
    // Feed the session an agent's log, as the scanner would, and watch it heal (dry run, built-in evaluator).
    const lines = readFileSync(join(projectRoot(), 'examples', 'agent.log'), 'utf8')
      .split('\n')
      .filter(Boolean);
    const pushed = await apiRequest<{ detections: number }>(api, 'POST', `/api/v1/session/${playId}/logs`, {
      lines,
      labels: { agent: 'rex', task_id: '1', pod: 'rex-task-1' },
    });
    let view = await settled(api, playId, pushed.detections);
    const multiAgent = await showMultiAgentContext({
      api,
      temporal: { address: stack.temporalAddress, namespace: config.temporal.namespace },
      playId,
      stateDir: config.stateDir,
      log,
    });
    view = await apiRequest<SessionView>(api, 'GET', `/api/v1/session/${playId}`);
    const ciIncident = await showCiFailureHealed({
      api,
      webhookSecret,
      stateDir: config.stateDir,
      playId,
      repository: String(payload.repository),
      log,
    });
    const sessionUrl = `${stack.uiUrl}/namespaces/${config.temporal.namespace}/workflows/play-${playId}`;
    io.stdout.write(
      [
        '',
        `Healer is running.`,
        `  API:          ${stack.apiUrl}   (try: curl ${stack.apiUrl}/api/v1/sessions)`,
        `  Temporal UI:  ${stack.uiUrl}`,
        '',
        `Sample session ${playId} started: status ${view.status}, ${view.agents.length} agents (${view.agents.map((a) => a.name).join(', ')}), ${view.tasks.length} tasks.`,
        `Pushed ${lines.length} lines of examples/agent.log: ${pushed.detections} detections, ${view.incidents.length} incidents.`,
        '',
        renderView(view),
        '',
        ...multiAgent,
        '',
        `CI failure on the agent's PR: incident ${ciIncident.id} (${ciIncident.code}) ${ciIncident.status} after ${ciIncident.round} round(s)${ciIncident.reason ? `: ${ciIncident.reason}` : ''}.`,
        '',
        `  See it in the Temporal UI: ${sessionUrl}`,
        `  Search there with:  HealerPlayId = "${playId}"   (the session and its incidents)   or   HealerStatus = "active"`,
        `  From the CLI:       node bin/healer.js session show ${playId}`,
        `  Dry-run GitHub effects (issues, comments) are recorded in ${join(config.stateDir, 'dry-run', 'dry-run.jsonl')}`,
        '',
      ].join('\n'),
    );
    if (!opts.exit) {
      io.stdout.write('Press Ctrl-C to stop.\n');
      await untilSignal();
    }
    return 0;
  } finally {
    await stack.stop();
  }
}
