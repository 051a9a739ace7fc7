// A GitHub outage while a patch becomes a PR: each effect (branch, commit, PR) is its own idempotent
// activity that retries through 5xx answers, secondary rate limits and lost answers, so the outage is
// waited out; it never uses up a remediation round or asks the model again.
import type { IncidentView } from '../../core/contract';
import { closeTestConnections } from '../support/temporal';
import { createHarness, detection, PATCH_MODEL, REPO, type Harness } from './incident-harness';

jest.setTimeout(180_000);

describe('incident through a GitHub outage', () => {
  let h: Harness;
  afterEach(async () => h?.close());
  afterAll(() => closeTestConnections());

  it('branch, commit and PR outlast 5xx, rate limits and lost answers: one round, one model call, one PR', async () => {
    h = await createHarness();
    // Nine failures: more than the old single applyPatch activity had attempts (8) for all three effects.
    h.github.fail({ method: 'POST', path: /\/git\/refs$/, status: 429, times: 3, resetAfterSecs: 1 });
    h.github.fail({ method: 'PUT', path: /\/contents\//, status: 429, times: 2, resetAfterSecs: 1 });
    h.github.fail({ method: 'PUT', path: /\/contents\//, status: 502 });
    h.github.fail({ method: 'POST', path: /\/pulls$/, status: 502, times: 2 });
    // Applied, but the answer is lost: the retry finds the PR instead of opening a second one.
    h.github.fail({ method: 'POST', path: /\/pulls$/, status: 'lost' });
    await h.startWorkers();
    const started = Date.now();
    const handle = await h.start({ detection: detection() });
    const view = (await handle.result()) as IncidentView;
    expect(h.github.pendingFailures()).toBe(0);
    expect(view).toMatchObject({ status: 'resolved', round: 1 });
    expect(view.events.map((e) => e.message).join('\n')).not.toMatch(/no usable fix/);
    expect(h.gemini.generateCalls(PATCH_MODEL)).toHaveLength(1);
    expect(h.github.pulls(REPO)).toHaveLength(1);
    expect(h.github.branches(REPO).filter((b) => b.startsWith('healer/'))).toEqual([`healer/${view.id}`]);
    expect(h.github.issues(REPO)).toHaveLength(1);
    console.log(`incident through 9 GitHub failures: ${((Date.now() - started) / 1000).toFixed(1)} s`);
  });
});
