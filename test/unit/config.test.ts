import { mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { CONFIG_ENV_VARS, ConfigError, describeConfig, loadConfig, type ConfigRow } from '../../runtime/config';

const base = { HEALER_STATE_DIR: '/tmp/healer-config-test' };
const root = join(__dirname, '..', '..');

function ctoConfigFile(content: unknown): string {
  const file = join(mkdtempSync(join(tmpdir(), 'healer-cfg-')), 'cto-config.json');
  writeFileSync(file, typeof content === 'string' ? content : JSON.stringify(content));
  return file;
}

const row = (rows: ConfigRow[], key: string): ConfigRow | undefined => rows.find((r) => r.key === key);

describe('loadConfig', () => {
  test('embedded defaults: local Temporal, port 8083, dry-run GitHub, no model key', () => {
    const config = loadConfig(base);
    expect(config.temporal).toMatchObject({ address: '127.0.0.1:7233', namespace: 'default' });
    expect(config.api.port).toBe(8083);
    expect(config.github.dryRun).toBe(true);
    expect(config.gemini.apiKey).toBeUndefined();
    expect(config.loki.query).toBe('{namespace="cto"}');
    expect(config.modelGateway.dailyBudgetUsd).toBe(1);
    expect(config.llmRatePerSecond).toBe(2);
    expect(config.kubernetes).toEqual({ inCluster: false });
    expect(config.scanner).toMatchObject({
      stateDir: '/tmp/healer-config-test/scanner',
      namespace: 'cto',
      podLogs: true,
      coderunVersion: 'v1',
      logLabels: {},
    });
    expect(config.watchdog).toEqual({ auditLogPath: '/tmp/healer-config-test/audit.jsonl' });
  });

  test('reads only the object it is given, never process.env', () => {
    process.env.HEALER_PORT = '9999';
    try {
      expect(loadConfig(base).api.port).toBe(8083);
    } finally {
      delete process.env.HEALER_PORT;
    }
  });

  test('reads no variable that CONFIG_ENV_VARS does not list, and every one it lists', () => {
    const read = new Set<string>();
    const env = new Proxy({} as Record<string, string | undefined>, {
      get: (_target, key) => {
        if (typeof key === 'string') read.add(key);
        return undefined;
      },
    });
    loadConfig(env);
    expect([...read].sort()).toEqual(CONFIG_ENV_VARS.map((v) => v.name).sort());
  });

  test.each([
    ['HEALER_PORT', 'abc'],
    ['HEALER_PORT', '-1'],
    ['HEALER_PORT', '70000'],
    ['TEMPORAL_ADDRESS', 'no-port'],
    ['LOKI_URL', 'ftp://loki'],
    ['HEALER_DAILY_BUDGET_USD', '-1'],
    ['HEALER_DAILY_BUDGET_USD', 'lots'],
    ['HEALER_ISSUES_REPO', 'not a repo'],
    ['HEALER_LOG_LEVEL', 'loud'],
    ['HEALER_NAMESPACE', 'Not_A_Namespace'],
    ['HEALER_SCANNER_NAMESPACE', 'UPPER'],
    ['HEALER_BUDGET_MODE', 'pray'],
    ['HEALER_MODEL_PRICES', '{ not json'],
    ['HEALER_BREAKER_FAILURES', '0'],
    ['HEALER_MODEL_CALL_TIMEOUT_MS', 'soon'],
    ['HEALER_LLM_RATE_PER_SECOND', '0'],
    ['HEALER_METRICS_PORT', 'metrics'],
    ['HEALER_SCANNER_POD_LOGS', 'maybe'],
    ['HEALER_CODERUN_VERSION', '1'],
    ['HEALER_LOG_LABELS', 'play-id'],
    ['HEALER_LABEL_AGENT', ' , '],
    ['HEALER_SUPERVISOR_URL', 'localhost:9'],
    ['HEALER_SUPERVISOR_PORT', '65536'],
  ])('a bad %s=%s names the key', (key, value) => {
    expect(() => loadConfig({ ...base, [key]: value })).toThrow(ConfigError);
    expect(() => loadConfig({ ...base, [key]: value })).toThrow(new RegExp(`^configuration ${key}: expected`));
  });

  test('a bad entry of HEALER_MODEL_PRICES names the model', () => {
    expect(() => loadConfig({ ...base, HEALER_MODEL_PRICES: '{"m":{"inputPerMTok":"cheap"}}' })).toThrow(
      /^configuration HEALER_MODEL_PRICES\.m: expected/,
    );
  });

  test('the model gateway from the environment', () => {
    const { modelGateway } = loadConfig({
      ...base,
      HEALER_FALLBACK_MODELS: 'gemini-2.5-flash, gemini-2.5-pro',
      HEALER_DAILY_BUDGET_USD: '2.5',
      HEALER_MODEL_BACKOFF_BASE_MS: '50',
      HEALER_BUDGET_MODE: 'wait',
      HEALER_BREAKER_FAILURES: '3',
      HEALER_MODEL_PRICES: '{"m":{"inputPerMTok":1,"outputPerMTok":2}}',
    });
    expect(modelGateway).toMatchObject({
      fallbackModels: ['gemini-2.5-flash', 'gemini-2.5-pro'],
      dailyBudgetUsd: 2.5,
      onBudgetExhausted: 'wait',
      retry: { backoffBaseMs: 50 },
      breaker: { failureThreshold: 3 },
    });
    expect(modelGateway.prices.m).toEqual({ inputPerMTok: 1, outputPerMTok: 2 });
  });

  test('the scanner from the environment', () => {
    const config = loadConfig({
      ...base,
      HEALER_NAMESPACE: 'agents',
      LOKI_URL: 'http://loki:3100/',
      LOKI_ORG_ID: 'tenant-1',
      KUBERNETES_SERVICE_HOST: '10.0.0.1',
      HEALER_SCANNER_POD_LOGS: 'false',
      HEALER_CODERUN_VERSION: 'v1beta1',
      HEALER_LOG_FILE: '-',
      HEALER_LOG_LABELS: 'play-id=42, agent=rex',
      HEALER_LABEL_PLAY_ID: 'play,run-id',
    });
    expect(config.loki).toEqual({ url: 'http://loki:3100', query: '{namespace="cto"}', orgId: 'tenant-1' });
    expect(config.kubernetes.inCluster).toBe(true);
    expect(config.scanner).toMatchObject({
      namespace: 'agents',
      podLogs: false,
      coderunVersion: 'v1beta1',
      logFile: '-',
      logLabels: { 'play-id': '42', agent: 'rex' },
    });
    expect(config.scanner.labels).toMatchObject({ playIdLabels: ['play', 'run-id'], agentLabels: ['agent'] });
  });

  test('cto-config.json is read and validated', () => {
    const good = ctoConfigFile({ remediation: { requireApproval: true } });
    expect(loadConfig({ ...base, CTO_CONFIG: good }).ctoConfig).toEqual({ remediation: { requireApproval: true } });
    const bad = ctoConfigFile('{ not json');
    expect(() => loadConfig({ ...base, CTO_CONFIG: bad })).toThrow(/CTO_CONFIG: expected valid JSON/);
    expect(() => loadConfig({ ...base, CTO_CONFIG: join(tmpdir(), 'missing.json') })).toThrow(/CTO_CONFIG/);
  });

  test('a bad remediation default stops start-up, naming the field and the file', () => {
    const file = ctoConfigFile({ remediation: { maxIterations: 99 } });
    expect(() => loadConfig({ ...base, CTO_CONFIG: file })).toThrow(
      new RegExp(`^configuration CTO_CONFIG remediation.maxIterations: expected an integer in 1..20 in ${file}$`),
    );
    const mode = ctoConfigFile({ remediation: { mode: 'yolo' } });
    expect(() => loadConfig({ ...base, CTO_CONFIG: mode })).toThrow(/CTO_CONFIG remediation.mode: expected "patch"/);
  });
});

describe('describeConfig', () => {
  test('each value with where it came from: env, default or cto-config', () => {
    const file = ctoConfigFile({ remediation: { requireApproval: true, deniedPaths: ['infra/**'] } });
    const rows = describeConfig(loadConfig({ ...base, TEMPORAL_ADDRESS: 'temporal:7233', CTO_CONFIG: file }));
    expect(row(rows, 'temporal.address')).toEqual({
      key: 'temporal.address',
      env: 'TEMPORAL_ADDRESS',
      value: 'temporal:7233',
      source: 'env',
    });
    expect(row(rows, 'api.port')).toEqual({ key: 'api.port', env: 'HEALER_PORT', value: '8083', source: 'default' });
    expect(row(rows, 'temporal.uiUrl')).toMatchObject({ value: '(unset)', source: 'default' });
    expect(row(rows, 'ctoConfigPath')).toMatchObject({ env: 'CTO_CONFIG', value: file, source: 'env' });
    expect(row(rows, 'ctoConfig.remediation.requireApproval')).toEqual({
      key: 'ctoConfig.remediation.requireApproval',
      value: 'true',
      source: 'cto-config',
    });
    expect(row(rows, 'ctoConfig.remediation.deniedPaths')).toMatchObject({ value: 'infra/**', source: 'cto-config' });
  });

  test('one row per variable of CONFIG_ENV_VARS; literal defaults read as the catalogue says', () => {
    const rows = describeConfig(loadConfig({}));
    expect(rows.filter((r) => r.env).map((r) => r.env)).toEqual(CONFIG_ENV_VARS.map((v) => v.name));
    for (const spec of CONFIG_ENV_VARS) {
      const shown = row(rows, spec.key)!;
      expect(shown).toMatchObject({ env: spec.name, source: 'default' });
      // Unset, or a default described in words ("<state dir>/logs", "built-in table"), is not compared.
      if (shown.value !== '(unset)' && !/[<\s]/.test(spec.default))
        expect(`${spec.name}=${shown.value}`).toBe(`${spec.name}=${spec.default}`);
    }
  });

  test('tokens, keys and webhook URLs are masked; so is a password inside a URL', () => {
    const rows = describeConfig(
      loadConfig({
        ...base,
        HEALER_API_TOKEN: 'api-s3cret',
        GITHUB_TOKEN: 'ghp_s3cret',
        GEMINI_API_KEY: 'AIza-s3cret',
        DISCORD_WEBHOOK_URL: 'https://discord.com/api/webhooks/1/s3cret',
        LOKI_URL: 'https://user:s3cret@loki.example',
        CTO_CONFIG: ctoConfigFile({ remediation: { requireApproval: false }, notify: { slackToken: 's3cret' } }),
      }),
    );
    expect(JSON.stringify(rows)).not.toContain('s3cret');
    for (const key of [
      'api.token',
      'github.token',
      'gemini.apiKey',
      'discordWebhookUrl',
      'ctoConfig.notify.slackToken',
    ])
      expect(row(rows, key)?.value).toBe('********');
    expect(row(rows, 'loki.url')?.value).toBe('https://user:********@loki.example');
    expect(row(rows, 'gemini.baseUrl')?.value).toBe('(unset)');
  });
});

describe('CONFIG_ENV_VARS', () => {
  test('every variable has a description, a default and the process kinds that read it', () => {
    for (const spec of CONFIG_ENV_VARS) {
      expect(spec.name).toMatch(/^[A-Z][A-Z0-9_]+$/);
      expect(spec.description.length).toBeGreaterThan(10);
      expect(spec.components.length).toBeGreaterThan(0);
    }
    expect(new Set(CONFIG_ENV_VARS.map((v) => v.name)).size).toBe(CONFIG_ENV_VARS.length);
  });

  test('the README configuration table lists exactly these variables', () => {
    const readme = readFileSync(join(root, 'README.md'), 'utf8');
    const start = readme.indexOf('## Configuration');
    const section = readme.slice(start, readme.indexOf('\n## ', start + 1));
    const listed = new Set([...section.matchAll(/^\| `([A-Z][A-Z0-9_]+)` \|/gm)].map((m) => m[1]));
    const names = new Set<string>(CONFIG_ENV_VARS.map((v) => v.name));
    // A failure shows the rows to add to the table (or the names to drop from it).
    expect(CONFIG_ENV_VARS.filter((v) => !listed.has(v.name)).map(readmeRow)).toEqual([]);
    expect([...listed].filter((name) => !names.has(name))).toEqual([]);
  });
});

/** A README table row: variable | default | read by | meaning. */
function readmeRow(spec: (typeof CONFIG_ENV_VARS)[number]): string {
  const cell = (text: string) => text.replace(/\|/g, '\\|');
  const fallback = !spec.default
    ? 'unset'
    : /[<\s]/.test(spec.default)
      ? cell(spec.default)
      : `\`${cell(spec.default)}\``;
  const secret = 'secret' in spec && spec.secret ? ' (secret: masked)' : '';
  return `| \`${spec.name}\` | ${fallback} | ${spec.components.join(', ')} | ${cell(spec.description)}${secret} |`;
}

test('no module below the entry points reads process.env (runtime/config is the one parser)', () => {
  const offenders: string[] = [];
  const walk = (dir: string): void => {
    for (const name of readdirSync(dir)) {
      const path = join(dir, name);
      if (statSync(path).isDirectory()) walk(path);
      else if (/\.ts$/.test(name) && /process\.env/.test(readFileSync(path, 'utf8')))
        offenders.push(relative(root, path));
    }
  };
  for (const layer of ['activities', 'api', 'core', 'scanner', 'workers', 'runtime', 'workflows'])
    walk(join(root, layer));
  expect(offenders.filter((file) => !file.startsWith('runtime/config/'))).toEqual([]);
});
