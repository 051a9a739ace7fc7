// loadConfig: the one place Healer's settings are read. The environment (every variable in
// CONFIG_ENV_VARS), cto-config.json and the defaults become one HealerConfig, validated, which the entry
// point passes down; nothing below it reads process.env. A bad value throws a ConfigError naming the key.
import { join, resolve } from 'node:path';
import { DEFAULT_K8S_NAMESPACE, DEFAULT_LOKI_QUERY } from '../../core/contract/ids';
import { DEFAULT_LLM_RATE_PER_SECOND } from '../../core/model/gateway-config';
import { DEFAULT_GENERIC_ERROR_RATE } from '../../core/incident/routing';
import { defaultStateDir } from '../paths';
import { readApiAccess } from './api-access';
import { readCtoConfig, type CtoConfigFile } from './cto-config';
import { DEFAULT_CONTEXT_WINDOW } from '../../core/incident/log-window';
import { DEFAULT_UNKNOWN_POLICY } from '../../core/session/checklist';
import { readModelGateway } from './model';
import { EnvReader, type Env } from './reader';
import { readScanner } from './scanner';
import { readCi } from './ci';
import type { HealerConfig, LogLevel } from './types';
import type { UnknownPolicy } from '../../core/contract';

const LOG_LEVELS: readonly LogLevel[] = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];
const DAY_MS = 86_400_000;

export function loadConfig(env: Env = process.env): HealerConfig {
  const r = new EnvReader(env);
  const host = r.string('HEALER_API_HOST', '127.0.0.1');
  const port = r.int('HEALER_PORT', 8083, 0, 65535); // 0 picks a free port
  const stateDir = r.string('HEALER_STATE_DIR', defaultStateDir());
  const namespace = r.k8sNamespace('HEALER_NAMESPACE', DEFAULT_K8S_NAMESPACE);
  const githubToken = r.raw('GITHUB_TOKEN');
  const metricsPort = r.optionalInt('HEALER_METRICS_PORT', 0, 65535);
  const temporalMetricsPort = r.optionalInt('HEALER_TEMPORAL_METRICS_PORT', 0, 65535);
  const ctoConfigPath = r.raw('CTO_CONFIG');
  const cto = readCtoConfig(ctoConfigPath ?? resolve('cto-config.json'), ctoConfigPath !== undefined);

  const config: Omit<HealerConfig, 'sources'> = {
    temporal: {
      address: r.hostPort('TEMPORAL_ADDRESS', '127.0.0.1:7233'),
      namespace: r.string('TEMPORAL_NAMESPACE', 'default'),
      uiUrl: r.url('TEMPORAL_UI_URL'),
      cli: r.raw('TEMPORAL_CLI'),
    },
    api: {
      host,
      port,
      token: r.raw('HEALER_API_TOKEN'),
      publicUrl: r.url('HEALER_API_URL') ?? `http://${host}:${port}`,
      ...readApiAccess(r),
    },
    namespace,
    stateDir,
    logLevel: r.oneOf('HEALER_LOG_LEVEL', LOG_LEVELS, 'info'),
    logFormat: r.oneOf('HEALER_LOG_FORMAT', ['json', 'pretty'] as const, 'json'),
    tracing: { otlpEndpoint: r.url('OTEL_EXPORTER_OTLP_ENDPOINT') },
    loki: {
      url: r.url('LOKI_URL'),
      query: r.string('LOKI_QUERY', DEFAULT_LOKI_QUERY),
      orgId: r.raw('LOKI_ORG_ID'),
    },
    github: {
      token: githubToken,
      apiUrl: r.url('GITHUB_API_URL'),
      issuesRepo: r.matching('HEALER_ISSUES_REPO', /^[A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+$/, '"owner/name"'),
      dryRun: githubToken === undefined,
    },
    gemini: { apiKey: r.raw('GEMINI_API_KEY'), baseUrl: r.url('GEMINI_BASE_URL') },
    logPath: r.string('HEALER_LOG_PATH', resolve(stateDir, 'logs')),
    modelGateway: readModelGateway(r),
    llmRatePerSecond: r.number('HEALER_LLM_RATE_PER_SECOND', DEFAULT_LLM_RATE_PER_SECOND, 0.001),
    discordWebhookUrl: r.url('DISCORD_WEBHOOK_URL'),
    kubernetes: { kubeconfig: r.raw('KUBECONFIG'), inCluster: r.raw('KUBERNETES_SERVICE_HOST') !== undefined },
    preflightWindowMs: r.int('HEALER_PREFLIGHT_WINDOW_MS', 60_000, 100, DAY_MS),
    preflight: { unknownIs: preflightUnknownIs(r, cto) },
    context: {
      beforeSecs: r.int('HEALER_CONTEXT_BEFORE_SECS', DEFAULT_CONTEXT_WINDOW.beforeSecs, 0, 86_400),
      afterSecs: r.int('HEALER_CONTEXT_AFTER_SECS', DEFAULT_CONTEXT_WINDOW.afterSecs, 0, 3600),
      maxLines: r.int('HEALER_CONTEXT_MAX_LINES', DEFAULT_CONTEXT_WINDOW.maxLines, 1, 10_000),
      maxBytes: r.int('HEALER_CONTEXT_MAX_BYTES', DEFAULT_CONTEXT_WINDOW.maxBytes, 256, 1_000_000),
    },
    maxOpenIncidents: r.int('HEALER_MAX_OPEN_INCIDENTS', 5, 1, 1000),
    evidenceIntervalMs: r.int('HEALER_EVIDENCE_INTERVAL_MS', 60_000, 100, DAY_MS),
    genericErrorRate: genericErrorRate(
      r.matching(
        'HEALER_GENERIC_ERROR_INCIDENT_RATE',
        /^[1-9]\d{0,5}\/[1-9]\d{0,4}m$/,
        'N/Mm, N occurrences within M minutes (20/10m)',
      ),
    ),
    metrics: {
      ...(metricsPort !== undefined ? { port: metricsPort } : {}),
      ...(temporalMetricsPort !== undefined ? { temporalPort: temporalMetricsPort } : {}),
    },
    scanner: readScanner(r, { stateDir, namespace }),
    ci: readCi(r),
    watchdog: {
      auditLogPath: r.string('HEALER_AUDIT_LOG', join(stateDir, 'audit.jsonl')),
      supervisorUrl: r.url('HEALER_SUPERVISOR_URL'),
    },
    dev: { supervisorPort: r.int('HEALER_SUPERVISOR_PORT', 0, 0, 65535) },
    ctoConfigPath,
    ctoConfig: cto.ctoConfig,
    ctoDefaults: cto.defaults,
    warnings: cto.warnings,
  };
  return { ...config, sources: { ...r.sources, ...cto.sources } };
}

/** "20/10m": 20 occurrences within 10 minutes (the format is checked by the reader); unset: the default. */
function genericErrorRate(raw: string | undefined): HealerConfig['genericErrorRate'] {
  if (raw === undefined) return DEFAULT_GENERIC_ERROR_RATE;
  const [occurrences, minutes] = raw.slice(0, -1).split('/').map(Number);
  return { occurrences, windowMs: minutes * 60_000 };
}

/** HEALER_PREFLIGHT_UNKNOWN_IS, else cto-config.json's `defaults.preflight.unknownIs`, else warn. */
function preflightUnknownIs(r: EnvReader, cto: CtoConfigFile): UnknownPolicy {
  const fromFile = cto.defaults.preflightUnknownIs;
  const value = r.oneOf<UnknownPolicy>(
    'HEALER_PREFLIGHT_UNKNOWN_IS',
    ['pass', 'warn', 'fail'],
    fromFile ?? DEFAULT_UNKNOWN_POLICY,
  );
  if (
    fromFile !== undefined &&
    r.sources['preflight.unknownIs']?.source === 'default' &&
    cto.sources['ctoConfig.defaults.preflight.unknownIs']
  )
    r.sources['preflight.unknownIs'] = cto.sources['ctoConfig.defaults.preflight.unknownIs'];
  return value;
}
