// cto-config.json as users write it: `defaults.remediation` (the Healer skill's nesting) and the older
// top-level `remediation`, unknown keys warned with their path, invalid values refused naming the path —
// in a session's cto_config and in the file read at start-up.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readCtoConfig } from '../../../core/session/cto-config';
import { normaliseSessionPayload, PayloadError } from '../../../core/session/payload';
import { loadConfig } from '../../../runtime/config';
import { sessionSettings } from '../../../api/compose';

const SKILL_EXAMPLE = {
  defaults: {
    play: { healerEndpoint: 'http://healer.cto.svc:8083' },
    remediation: { maxIterations: 3, syncTimeoutSecs: 300 },
  },
};

function file(content: unknown): string {
  const path = join(mkdtempSync(join(tmpdir(), 'healer-cto-')), 'cto-config.json');
  writeFileSync(path, JSON.stringify(content));
  return path;
}

const payload = (ctoConfig: unknown) => ({ play_id: 'p', repository: 'o/r', cto_config: ctoConfig });

describe('reading a cto-config', () => {
  test('the Healer skill’s example: defaults.remediation and defaults.play.healerEndpoint', () => {
    expect(readCtoConfig(SKILL_EXAMPLE, 'cto_config')).toEqual({
      defaults: {
        remediation: { maxIterations: 3, syncTimeoutSecs: 300 },
        healerEndpoint: 'http://healer.cto.svc:8083',
      },
      warnings: [],
    });
  });

  test('the top-level remediation block is an alias; defaults.remediation wins where both set a key', () => {
    expect(readCtoConfig({ remediation: { requireApproval: true } }, 'cto_config').defaults.remediation).toEqual({
      requireApproval: true,
    });
    const both = readCtoConfig(
      { remediation: { maxIterations: 5, autoMerge: true }, defaults: { remediation: { maxIterations: 2 } } },
      'cto_config',
    );
    expect(both.defaults.remediation).toEqual({ maxIterations: 2, autoMerge: true });
    expect(both.warnings).toEqual([
      'cto_config.remediation.maxIterations: also set in cto_config.defaults.remediation, which wins',
    ]);
  });

  test('unknown keys are warned with their path; other tools’ sections are left alone', () => {
    const { warnings, problem } = readCtoConfig(
      {
        version: '1.0',
        orgName: '5DLabs',
        surprise: 1,
        defaults: {
          intake: { anything: true },
          remediation: { maxIterations: 3, agent: '5DLabs-Rex', maxIteration: 4 },
          preflight: { unknownIs: 'fail', strict: true },
          weird: {},
        },
        agents: { rex: { githubApp: 'x', skills: {}, colour: 'blue', tools: { remote: [], extra: [] } } },
      },
      'cto_config',
    );
    expect(problem).toBeUndefined();
    expect(warnings.sort()).toEqual([
      'cto_config.agents.rex.colour: unknown key (ignored)',
      'cto_config.agents.rex.tools.extra: unknown key (ignored)',
      'cto_config.defaults.preflight.strict: unknown key (ignored)',
      'cto_config.defaults.remediation.maxIteration: unknown key (ignored)',
      'cto_config.defaults.weird: unknown key (ignored)',
      'cto_config.surprise: unknown key (ignored)',
    ]);
  });

  test.each([
    [
      { defaults: { remediation: { maxIterations: 99 } } },
      'cto_config.defaults.remediation.maxIterations',
      /integer in 1..20/,
    ],
    [{ remediation: { mode: 'yolo' } }, 'cto_config.remediation.mode', /"patch" or "coderun"/],
    [
      { defaults: { remediation: { syncTimeoutSecs: 'soon' } } },
      'cto_config.defaults.remediation.syncTimeoutSecs',
      /number/,
    ],
    [
      { defaults: { remediation: { nested: { a: 1 } } } },
      'cto_config.defaults.remediation.nested',
      /boolean, a number/,
    ],
    [{ defaults: { remediation: 'all' } }, 'cto_config.defaults.remediation', /must be an object/],
    [
      { defaults: { preflight: { unknownIs: 'maybe' } } },
      'cto_config.defaults.preflight.unknownIs',
      /"pass", "warn" or "fail"/,
    ],
    [
      { defaults: { play: { healerEndpoint: 'not a url' } } },
      'cto_config.defaults.play.healerEndpoint',
      /http\(s\) URL/,
    ],
    [{ defaults: [] }, 'cto_config.defaults', /must be an object/],
  ])('an invalid value is refused naming its path: %j', (config, field, reason) => {
    const { problem } = readCtoConfig(config, 'cto_config');
    expect(problem?.field).toBe(field);
    expect(problem?.reason).toMatch(reason);
  });
});

describe('on session start', () => {
  test('both nestings reach the session; unknown keys travel with it as warnings', () => {
    const nested = normaliseSessionPayload(
      payload({ ...SKILL_EXAMPLE, defaults: { ...SKILL_EXAMPLE.defaults, preflight: { unknownIs: 'fail' } } }),
    );
    expect(nested.remediation).toEqual({ maxIterations: 3, syncTimeoutSecs: 300 });
    expect(nested.preflightUnknownIs).toBe('fail');
    expect(normaliseSessionPayload(payload({ remediation: { autoMerge: true } })).remediation).toEqual({
      autoMerge: true,
    });
    const warned = normaliseSessionPayload(payload({ defaults: { remediation: { maxIterations: 2, colour: 'x' } } }));
    expect(warned.configWarnings).toEqual(['cto_config.defaults.remediation.colour: unknown key (ignored)']);
  });

  test('an invalid value is a 400 naming the field', () => {
    const error = (() => {
      try {
        normaliseSessionPayload(payload({ defaults: { remediation: { maxIterations: 0 } } }));
      } catch (e) {
        return e as PayloadError;
      }
    })();
    expect(error).toBeInstanceOf(PayloadError);
    expect(error?.field).toBe('cto_config.defaults.remediation.maxIterations');
    expect(error?.message).toBe('cto_config.defaults.remediation.maxIterations: expected an integer in 1..20');
  });
});

describe('at start-up (CTO_CONFIG)', () => {
  const base = { TEMPORAL_ADDRESS: '127.0.0.1:7233' };

  test('defaults.remediation becomes every session’s default; defaults.preflight.unknownIs the policy', () => {
    const config = loadConfig({
      ...base,
      CTO_CONFIG: file({ ...SKILL_EXAMPLE, defaults: { ...SKILL_EXAMPLE.defaults, preflight: { unknownIs: 'fail' } } }),
    });
    expect(config.ctoDefaults.remediation).toEqual({ maxIterations: 3, syncTimeoutSecs: 300 });
    expect(config.preflight.unknownIs).toBe('fail');
    expect(config.sources['preflight.unknownIs']).toMatchObject({ source: 'cto-config' });
    expect(sessionSettings(config)).toMatchObject({
      remediationDefaults: { maxIterations: 3, syncTimeoutSecs: 300 },
      preflightUnknownIs: 'fail',
    });
    // The environment wins over the file.
    expect(
      loadConfig({ ...base, HEALER_PREFLIGHT_UNKNOWN_IS: 'pass', CTO_CONFIG: file(SKILL_EXAMPLE) }).preflight.unknownIs,
    ).toBe('pass');
    expect(() => loadConfig({ ...base, HEALER_PREFLIGHT_UNKNOWN_IS: 'sometimes' })).toThrow(
      /configuration HEALER_PREFLIGHT_UNKNOWN_IS: expected pass \| warn \| fail, got "sometimes"/,
    );
  });

  test('the old top-level remediation keeps working; unknown keys warn with the file and path', () => {
    const path = file({
      remediation: { requireApproval: true },
      defaults: { remediation: { maxIterations: 2, tyop: 1 } },
    });
    const config = loadConfig({ ...base, CTO_CONFIG: path });
    expect(config.ctoDefaults.remediation).toEqual({ requireApproval: true, maxIterations: 2, tyop: 1 });
    expect(config.warnings).toEqual([`${path}: defaults.remediation.tyop: unknown key (ignored)`]);
  });

  test('an invalid value stops the process naming the path in the file', () => {
    const path = file({ defaults: { remediation: { maxIterations: 99 } } });
    expect(() => loadConfig({ ...base, CTO_CONFIG: path })).toThrow(
      new RegExp(
        `^configuration CTO_CONFIG defaults.remediation.maxIterations: expected an integer in 1..20 in ${path}$`,
      ),
    );
  });
});
