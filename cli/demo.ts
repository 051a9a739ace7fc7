// `healer demo`: the local stack plus a sample play session from examples/, its status, and where to look.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { SessionView } from '../workflows/messages';
import type { HealerConfig } from '../runtime/config';
import { projectRoot } from '../runtime/paths';
import { apiRequest } from './api-client';
import { startDevStack, untilSignal } from './dev';
import type { CliIo } from './io';

export async function runDemo(config: HealerConfig, io: CliIo, opts: { exit: boolean }): Promise<number> {
  const log = (line: string) => io.stderr.write(`${line}\n`);
  const stack = await startDevStack(config, log);
  const api = { baseUrl: stack.apiUrl, token: config.api.token };
  try {
    const payload = JSON.parse(readFileSync(join(projectRoot(), 'examples', 'session.json'), 'utf8')) as Record<string, unknown>;
    // A fresh play id per run, so the demo can be run again while an earlier demo session is active.
    const playId = `demo-${new Date().toISOString().replace(/[-:T]/g, '').slice(0, 14)}`;
    await apiRequest(api, 'POST', '/api/v1/session/start', { ...payload, play_id: playId });
    const view = await apiRequest<SessionView>(api, 'GET', `/api/v1/session/${playId}`);
    io.stdout.write(
      [
        '',
        `Healer is running.`,
        `  API:          ${stack.apiUrl}   (try: curl ${stack.apiUrl}/api/v1/sessions)`,
        `  Temporal UI:  ${stack.uiUrl}`,
        '',
        `Sample session ${playId} started: status ${view.status}, ${view.agents.length} agents (${view.agents.map((a) => a.name).join(', ')}), ${view.tasks.length} tasks.`,
        `  See it in the Temporal UI: ${stack.uiUrl}/namespaces/${config.temporal.namespace}/workflows/play-${playId}`,
        `  Search there with:  HealerPlayId = "${playId}"   or   HealerStatus = "active"`,
        `  From the CLI:       node bin/healer.js session show ${playId}`,
        '',
        JSON.stringify(view, null, 2),
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
