// The one configuration module: environment variables and cto-config.json, validated at start-up.
// A bad value stops the process with a message naming the key and what was expected.
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { stateDir } from './paths';
import { modelGatewayConfigFromEnv, type ModelGatewayConfig } from '../activities/model/config';
import { DEFAULT_LLM_RATE_PER_SECOND } from '../workers/llm-options';
import { DEFAULT_K8S_NAMESPACE, DEFAULT_LOKI_QUERY } from '../core/contract';

export class ConfigError extends Error {
  constructor(
    readonly key: string,
    expected: string,
    got?: string,
  ) {
    super(`configuration ${key}: expected ${expected}${got !== undefined ? `, got ${JSON.stringify(got)}` : ''}`);
    this.name = 'ConfigError';
  }
}

export interface HealerConfig {
  temporal: { address: string; namespace: string; uiUrl?: string };
  api: { host: string; port: number; token?: string; publicUrl: string };
  /** The Kubernetes namespace Healer watches; names the watchdog (`watchdog-<namespace>`). */
  namespace: string;
  stateDir: string;
  logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  loki: { url?: string; query: string };
  github: { token?: string; apiUrl?: string; issuesRepo?: string; dryRun: boolean };
  gemini: { apiKey?: string; baseUrl?: string; fallbackModels?: string[] };
  logPath: string;
  dailyBudgetUsd: number;
  /** Model gateway tuning (retries, breaker, deadlines, prices); see activities/model/config.ts. */
  modelGateway: ModelGatewayConfig;
  /** Global rate of model calls on task queue healer-llm, however many workers run. */
  llmRatePerSecond: number;
  discordWebhookUrl?: string;
  kubeconfig?: string;
  preflightWindowMs: number;
  /** Open incidents per session at once (detections of new failures beyond it are counted). */
  maxOpenIncidents: number;
  /** Repeats of a failure with an open incident are forwarded to it at most this often. */
  evidenceIntervalMs: number;
  /** Prometheus scrape port of a worker process, and where the Temporal SDK's own metrics are served (unset: off). */
  metrics: { port?: number; temporalPort?: number };
  ctoConfigPath?: string;
  /** Defaults from cto-config.json (e.g. `remediation`), merged under each session's own cto_config. */
  ctoConfig: Record<string, unknown>;
}

type Env = Record<string, string | undefined>;

const str = (env: Env, key: string): string | undefined => {
  const v = env[key]?.trim();
  return v ? v : undefined;
};

function int(env: Env, key: string, fallback: number, min: number, max: number): number {
  const raw = str(env, key);
  if (raw === undefined) return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min || n > max) throw new ConfigError(key, `an integer from ${min} to ${max}`, raw);
  return n;
}

function num(env: Env, key: string, fallback: number, min: number): number {
  const raw = str(env, key);
  if (raw === undefined) return fallback;
  const n = Number(raw);
  if (!Number.isFinite(n) || n < min) throw new ConfigError(key, `a number ≥ ${min}`, raw);
  return n;
}

function url(env: Env, key: string): string | undefined {
  const raw = str(env, key);
  if (raw === undefined) return undefined;
  try {
    const parsed = new URL(raw);
    if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') throw new Error('protocol');
    return raw.replace(/\/+$/, '');
  } catch {
    throw new ConfigError(key, 'an http(s) URL', raw);
  }
}

function hostPort(env: Env, key: string, fallback: string): string {
  const raw = str(env, key) ?? fallback;
  if (!/^[A-Za-z0-9.\-_[\]:]+:\d{1,5}$/.test(raw)) throw new ConfigError(key, 'host:port', raw);
  return raw;
}

function optionalPorts(env: Env): HealerConfig['metrics'] {
  const port = str(env, 'HEALER_METRICS_PORT') === undefined ? undefined : int(env, 'HEALER_METRICS_PORT', 0, 0, 65535);
  const temporalPort =
    str(env, 'HEALER_TEMPORAL_METRICS_PORT') === undefined
      ? undefined
      : int(env, 'HEALER_TEMPORAL_METRICS_PORT', 0, 0, 65535);
  return { ...(port !== undefined ? { port } : {}), ...(temporalPort !== undefined ? { temporalPort } : {}) };
}

/** The gateway's own settings parser, with its errors reported like every other key's. */
function gatewayConfig(env: Env): ModelGatewayConfig {
  try {
    return modelGatewayConfigFromEnv(env as NodeJS.ProcessEnv);
  } catch (error) {
    const [key, expected] = (error as Error).message.split(/:\s*expected\s*/);
    throw new ConfigError(key, expected ?? (error as Error).message);
  }
}

function k8sNamespace(env: Env): string {
  const raw = str(env, 'HEALER_NAMESPACE') ?? DEFAULT_K8S_NAMESPACE;
  if (!/^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/.test(raw))
    throw new ConfigError('HEALER_NAMESPACE', 'a Kubernetes namespace name', raw);
  return raw;
}

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

function loadCtoConfig(path: string | undefined, explicit: boolean): Record<string, unknown> {
  if (!path || !existsSync(path)) {
    if (explicit) throw new ConfigError('CTO_CONFIG', 'the path of a readable cto-config.json', path);
    return {};
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new ConfigError('CTO_CONFIG', `valid JSON in ${path} (${(error as Error).message})`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed))
    throw new ConfigError('CTO_CONFIG', `a JSON object in ${path}`);
  const remediation = (parsed as Record<string, unknown>).remediation;
  if (
    remediation !== undefined &&
    (typeof remediation !== 'object' || remediation === null || Array.isArray(remediation))
  ) {
    throw new ConfigError('CTO_CONFIG remediation', 'an object');
  }
  return parsed as Record<string, unknown>;
}

export function loadConfig(env: Env = process.env): HealerConfig {
  const port = int(env, 'HEALER_PORT', 8083, 0, 65535); // 0 picks a free port
  const host = str(env, 'HEALER_API_HOST') ?? '127.0.0.1';
  const logLevel = (str(env, 'HEALER_LOG_LEVEL') ?? 'info') as HealerConfig['logLevel'];
  if (!LOG_LEVELS.includes(logLevel)) throw new ConfigError('HEALER_LOG_LEVEL', LOG_LEVELS.join(' | '), logLevel);
  const issuesRepo = str(env, 'HEALER_ISSUES_REPO');
  if (issuesRepo && !/^[A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+$/.test(issuesRepo))
    throw new ConfigError('HEALER_ISSUES_REPO', '"owner/name"', issuesRepo);
  const ctoConfigPath = str(env, 'CTO_CONFIG');
  const dir = str(env, 'HEALER_STATE_DIR') ?? stateDir();
  const githubToken = str(env, 'GITHUB_TOKEN');
  return {
    temporal: {
      address: hostPort(env, 'TEMPORAL_ADDRESS', '127.0.0.1:7233'),
      namespace: str(env, 'TEMPORAL_NAMESPACE') ?? 'default',
      uiUrl: url(env, 'TEMPORAL_UI_URL'),
    },
    api: {
      host,
      port,
      token: str(env, 'HEALER_API_TOKEN'),
      publicUrl: url(env, 'HEALER_API_URL') ?? `http://${host}:${port}`,
    },
    namespace: k8sNamespace(env),
    stateDir: dir,
    logLevel,
    loki: { url: url(env, 'LOKI_URL'), query: str(env, 'LOKI_QUERY') ?? DEFAULT_LOKI_QUERY },
    github: { token: githubToken, apiUrl: url(env, 'GITHUB_API_URL'), issuesRepo, dryRun: githubToken === undefined },
    gemini: {
      apiKey: str(env, 'GEMINI_API_KEY'),
      baseUrl: url(env, 'GEMINI_BASE_URL'),
      fallbackModels: str(env, 'HEALER_FALLBACK_MODELS')
        ?.split(',')
        .map((m) => m.trim())
        .filter(Boolean),
    },
    logPath: str(env, 'HEALER_LOG_PATH') ?? resolve(dir, 'logs'),
    dailyBudgetUsd: num(env, 'HEALER_DAILY_BUDGET_USD', 1, 0),
    modelGateway: gatewayConfig(env),
    llmRatePerSecond: num(env, 'HEALER_LLM_RATE_PER_SECOND', DEFAULT_LLM_RATE_PER_SECOND, 0.001),
    discordWebhookUrl: url(env, 'DISCORD_WEBHOOK_URL'),
    kubeconfig: str(env, 'KUBECONFIG'),
    preflightWindowMs: int(env, 'HEALER_PREFLIGHT_WINDOW_MS', 60_000, 100, 86_400_000),
    metrics: optionalPorts(env),
    maxOpenIncidents: int(env, 'HEALER_MAX_OPEN_INCIDENTS', 5, 1, 1000),
    evidenceIntervalMs: int(env, 'HEALER_EVIDENCE_INTERVAL_MS', 60_000, 100, 86_400_000),
    ctoConfigPath,
    ctoConfig: loadCtoConfig(ctoConfigPath ?? resolve('cto-config.json'), ctoConfigPath !== undefined),
  };
}
