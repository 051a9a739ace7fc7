// The shape of Healer's configuration: one object per process, parsed once by loadConfig and passed down.
import type { AttributionLabels, ContextWindowSettings, UnknownPolicy } from '../../core/contract';
import type { CtoConfigDefaults } from '../../core/session/cto-config';
import type { ModelGatewayConfig } from '../../core/model/gateway-config';

/** What an API token may do: read, write (start, end, push), admin (the human gate, the watchdog). */
export type ApiScope = 'read' | 'write' | 'admin';
export interface ApiToken {
  name: string;
  token: string;
  scopes: ApiScope[];
}

export type LogLevel = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
export type LogFormat = 'json' | 'pretty';

/** Where a value came from: an environment variable, the cto-config file, or the built-in default. */
export type ValueSource =
  { source: 'env'; env: string } | { source: 'default'; env?: string } | { source: 'cto-config'; file: string };

export interface ScannerSettings {
  /** Cursors, sent batches and raised alerts, so a restart neither loses nor repeats detections. */
  stateDir: string;
  /** Kubernetes namespace watched; unattributed lines go to `platform-<namespace>`. */
  namespace: string;
  labelSelector?: string;
  coderunVersion: string;
  /** Read pod logs from Kubernetes (skipped anyway when Loki collects them). */
  podLogs: boolean;
  /** A file to follow, `-` for stdin. */
  logFile?: string;
  logLabels: Record<string, string>;
  /** Label names a line's session is read from. */
  labels: AttributionLabels;
}

/** GitHub Actions CI intake: webhook, watched repositories, ignored actors, poller. */
export interface CiSettings {
  /** GITHUB_WEBHOOK_SECRET: deliveries to POST /api/v1/github/webhook are verified with it (unset: refused). */
  webhookSecret?: string;
  /** Repositories watched besides those of active sessions (`owner/name`). */
  watchRepos: string[];
  /** Logins whose runs are not Healer's business (bots). */
  ignoredActors: string[];
  /** Poll each watched repository's failed runs this often; 0: webhooks only. */
  pollIntervalMs: number;
}

export interface HealerConfig {
  temporal: { address: string; namespace: string; uiUrl?: string; cli?: string };
  api: {
    host: string;
    port: number;
    /** HEALER_API_TOKEN: the token the CLI sends; the API accepts it with every scope. */
    token?: string;
    publicUrl: string;
    /** Every token the API accepts, with its scopes (see runtime/config/api-access.ts); none: the API is open. */
    tokens: ApiToken[];
    tokensFile?: string;
    /** When set, GET /metrics needs this bearer token (otherwise it is open). */
    metricsToken?: string;
    /** Requests per caller (token, or address without tokens) per window; 0 turns a limit off. */
    rateLimit: { windowMs: number; max: number; logsMax: number };
  };
  /** The Kubernetes namespace Healer watches; names the watchdog (`watchdog-<namespace>`). */
  namespace: string;
  stateDir: string;
  logLevel: LogLevel;
  /** json in containers, pretty for people (`healer dev` runs its components with pretty). */
  logFormat: LogFormat;
  /** OpenTelemetry tracing: exported over OTLP/HTTP when an endpoint is set, otherwise off. */
  tracing: { otlpEndpoint?: string };
  loki: { url?: string; query: string; orgId?: string };
  github: { token?: string; apiUrl?: string; issuesRepo?: string; dryRun: boolean };
  gemini: { apiKey?: string; baseUrl?: string };
  /** The model call log directory. */
  logPath: string;
  /** Model gateway tuning: retries, breakers, deadlines, budget, prices, fallback order. */
  modelGateway: ModelGatewayConfig;
  /** Global rate of model calls on task queue healer-llm, however many workers run. */
  llmRatePerSecond: number;
  discordWebhookUrl?: string;
  /** A kubeconfig file, or the pod's service account when running in a cluster; neither: no Kubernetes. */
  kubernetes: { kubeconfig?: string; inCluster: boolean };
  preflightWindowMs: number;
  /** Pre-flight items without evidence when the window closes: pass, warn (shown, not raised) or fail (raised). */
  preflight: { unknownIs: UnknownPolicy };
  /** The log window every incident gathers around its detection, across the session's agents, and its caps. */
  context: ContextWindowSettings;
  /** Open incidents per session at once (detections of new failures beyond it are counted). */
  maxOpenIncidents: number;
  /** Repeats of a failure with an open incident are forwarded to it at most this often. */
  evidenceIntervalMs: number;
  /** A generic error line (G1) opens an incident once its fingerprint occurs this often within the window. */
  genericErrorRate: { occurrences: number; windowMs: number };
  /** Prometheus scrape port of a component process, and where the Temporal SDK's own metrics are served (unset: off). */
  metrics: { port?: number; temporalPort?: number };
  scanner: ScannerSettings;
  ci: CiSettings;
  watchdog: { auditLogPath: string; supervisorUrl?: string };
  /** `healer dev`'s own settings. */
  dev: { supervisorPort: number };
  ctoConfigPath?: string;
  /** cto-config.json as read (shown by `healer config`). */
  ctoConfig: Record<string, unknown>;
  /** What Healer uses of it: `defaults.remediation` (over the `remediation` alias), merged under each session's own. */
  ctoDefaults: CtoConfigDefaults;
  /** To show at start-up: unknown cto-config.json keys, by path. */
  warnings: string[];
  /** Where each value came from, by configuration key (see describeConfig). */
  sources: Record<string, ValueSource>;
}
