// The demo's CI part (cli/demo-ci.ts) against the dry-run GitHub: no token, Actions runs recorded under the
// state directory, the webhook signed with the API's secret, the incident resolved by the agent's next run.
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { showCiFailureHealed } from '../../cli/demo-ci';
import { uniqueId } from '../support/temporal';
import { useCiWorld, WEBHOOK_SECRET } from './ci-support';

const stateDir = mkdtempSync(join(tmpdir(), 'healer-ci-demo-'));

describe('the CI demo against the dry-run GitHub', () => {
  const world = useCiWorld({ dryRun: true, env: { HEALER_STATE_DIR: stateDir } });

  test('a failed run of the agent PR becomes an incident that resolves when the next run passes', async () => {
    const playId = uniqueId('ci-demo');
    await world().startSession(playId);
    const lines: string[] = [];
    const incident = await showCiFailureHealed({
      api: { baseUrl: world().api.url },
      webhookSecret: WEBHOOK_SECRET,
      stateDir,
      playId,
      repository: world().repo,
      log: (line) => lines.push(line),
    });
    expect(incident).toMatchObject({ code: 'C2', status: 'resolved', dryRun: true });
    expect(incident.reason).toBe('the next run of CI on feature/task-1-orders-api passed');
    expect(incident.evaluatedBy).toMatch(/^rules/);
    expect(lines.join('\n')).toMatch(/incident .* resolved/);

    const effects = readFileSync(join(stateDir, 'dry-run', 'dry-run.jsonl'), 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((line) => JSON.parse(line) as { incidentId: string; action: string; title?: string; detail?: string })
      .filter((effect) => effect.incidentId === incident.id);
    expect(effects.map((effect) => effect.action)).toEqual([
      'create-issue',
      'comment:proposal',
      'comment:resolved',
      'close-issue:completed',
    ]);
    expect(effects[0].title).toBe('[Healer C2] Tests failed in CI');
  });
});
