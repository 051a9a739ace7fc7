// The pure parts of waiting out outages (which gateway answers are infrastructure, the waits, the
// deadline setting) and of scoping a patch to the files the evaluation named.
import { DEFAULT_PATH_POLICY } from '../../../core/incident/path-policy';
import { patchPolicy, refusedEdits } from '../../../core/incident/patch-scope';
import { isInfrastructureFailure, outageWaitMs } from '../../../core/incident/outages';
import { parseIncidentSettings } from '../../../core/incident/settings';

const edit = (path: string) => ({ path, content: 'x' });

describe('outages of the healing chain', () => {
  it('only a chain that reached no model for infrastructure reasons is an outage', () => {
    expect(isInfrastructureFailure({ ok: false, reason: 'exhausted', detail: 'x', infrastructure: true })).toBe(true);
    expect(isInfrastructureFailure({ ok: false, reason: 'exhausted', detail: 'every model failed' })).toBe(false);
    expect(isInfrastructureFailure({ ok: false, reason: 'budget', detail: 'x' })).toBe(false);
    expect(isInfrastructureFailure({ ok: false, reason: 'no-key', detail: 'x' })).toBe(false);
    expect(
      isInfrastructureFailure({
        ok: true,
        value: {},
        model: 'm',
        attempts: 1,
        inputTokens: 0,
        outputTokens: 0,
        costUsd: 0,
      }),
    ).toBe(false);
  });

  it('waits 5 s, doubling, capped at 5 minutes', () => {
    expect([0, 1, 2, 3, 6, 7, 50].map(outageWaitMs)).toEqual([
      5_000, 10_000, 20_000, 40_000, 300_000, 300_000, 300_000,
    ]);
  });

  it('remediation.deadlineSecs defaults to 48 h and names itself when invalid', () => {
    expect(parseIncidentSettings({}).settings.deadlineSecs).toBe(48 * 3600);
    expect(parseIncidentSettings({ deadline_secs: 600 }).settings.deadlineSecs).toBe(600);
    const bad = parseIncidentSettings({ deadlineSecs: 0 });
    expect(bad.settings.deadlineSecs).toBe(48 * 3600);
    expect(bad.warnings).toEqual([expect.stringMatching(/^remediation\.deadlineSecs: expected a number/)]);
  });
});

describe('patch scope', () => {
  it('refuses secrets, CI files and files the evaluation did not name; allows the named ones', () => {
    const named = ['src/lib.rs'];
    const refused = refusedEdits(
      [edit('src/lib.rs'), edit('deploy/secrets.yaml'), edit('.github/actions/setup/action.yml'), edit('src/other.rs')],
      DEFAULT_PATH_POLICY,
      named,
    );
    expect(refused.map((r) => r.path)).toEqual([
      'deploy/secrets.yaml',
      '.github/actions/setup/action.yml',
      'src/other.rs',
    ]);
    expect(refused[0].reason).toMatch(/forbidden by/);
    expect(refused[2].reason).toBe('not among the files named in the evaluation');
    expect(patchPolicy(DEFAULT_PATH_POLICY, named).allow).toEqual(named);
  });

  it('with nothing named and nothing configured every edit is refused', () => {
    expect(refusedEdits([edit('src/lib.rs'), edit('.npmrc')], DEFAULT_PATH_POLICY, [])).toEqual([
      { path: 'src/lib.rs', reason: 'the evaluation named no file to change' },
      { path: '.npmrc', reason: expect.stringMatching(/forbidden by/) },
    ]);
  });

  it('configured allowed paths win over the named files', () => {
    const configured = { ...DEFAULT_PATH_POLICY, allow: ['src/**'] };
    expect(refusedEdits([edit('src/other.rs')], configured, ['src/lib.rs'])).toEqual([]);
    expect(refusedEdits([edit('docs/x.md')], configured, ['docs/x.md']).map((r) => r.path)).toEqual(['docs/x.md']);
  });
});
