import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError, loadConfig } from '../../runtime/config';

const base = { HEALER_STATE_DIR: '/tmp/healer-config-test' };

describe('loadConfig', () => {
  test('embedded defaults: local Temporal, port 8083, dry-run GitHub, no model key', () => {
    const config = loadConfig(base);
    expect(config.temporal).toMatchObject({ address: '127.0.0.1:7233', namespace: 'default' });
    expect(config.api.port).toBe(8083);
    expect(config.github.dryRun).toBe(true);
    expect(config.gemini.apiKey).toBeUndefined();
    expect(config.loki.query).toBe('{namespace="cto"}');
    expect(config.dailyBudgetUsd).toBe(1);
  });

  test.each([
    ['HEALER_PORT', 'abc'],
    ['HEALER_PORT', '-1'],
    ['HEALER_PORT', '70000'],
    ['TEMPORAL_ADDRESS', 'no-port'],
    ['LOKI_URL', 'ftp://loki'],
    ['HEALER_DAILY_BUDGET_USD', '-1'],
    ['HEALER_ISSUES_REPO', 'not a repo'],
    ['HEALER_LOG_LEVEL', 'loud'],
  ])('a bad %s=%s names the key', (key, value) => {
    expect(() => loadConfig({ ...base, [key]: value })).toThrow(ConfigError);
    expect(() => loadConfig({ ...base, [key]: value })).toThrow(new RegExp(`^configuration ${key}: expected`));
  });

  test('cto-config.json is read and validated', () => {
    const dir = mkdtempSync(join(tmpdir(), 'healer-cfg-'));
    const good = join(dir, 'good.json');
    writeFileSync(good, JSON.stringify({ remediation: { requireApproval: true } }));
    expect(loadConfig({ ...base, CTO_CONFIG: good }).ctoConfig).toEqual({ remediation: { requireApproval: true } });
    const bad = join(dir, 'bad.json');
    writeFileSync(bad, '{ not json');
    expect(() => loadConfig({ ...base, CTO_CONFIG: bad })).toThrow(/CTO_CONFIG: expected valid JSON/);
    expect(() => loadConfig({ ...base, CTO_CONFIG: join(dir, 'missing.json') })).toThrow(/CTO_CONFIG/);
  });
});
