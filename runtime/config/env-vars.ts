// Every environment variable Healer reads: its configuration key, which process kinds use it, its
// default and what it means. loadConfig refuses to read a variable that is not listed here, so this list
// is complete by construction; `healer <command> --help`, `healer config` and the README table come from it.
import { DEFAULT_ATTRIBUTION_LABELS, type AttributionLabels } from '../../core/contract/ids';
import { DEFAULT_IGNORED_ACTORS } from '../../core/ci/scope';

export type Component = 'api' | 'worker' | 'llm-worker' | 'scanner' | 'watchdog' | 'mcp' | 'dev' | 'cli';

export interface EnvVarSpec {
  name: string;
  /** Where the value lands in HealerConfig (dotted path). */
  key: string;
  description: string;
  /** The default as a person reads it: a literal value, '' (unset: off), or a description with <…> or spaces. */
  default: string;
  components: readonly Component[];
  /** Tokens, keys and webhook URLs: masked wherever configuration is shown. */
  secret?: boolean;
}

/** The processes that talk to Temporal. */
const TEMPORAL_USERS: readonly Component[] = ['api', 'worker', 'llm-worker', 'scanner', 'watchdog', 'mcp', 'dev'];
/** The processes that heartbeat to `watchdog-<namespace>` and serve metrics. */
const COMPONENT_PROCESSES: readonly Component[] = ['worker', 'llm-worker', 'scanner', 'watchdog'];
/** The processes that start sessions (HTTP API and MCP) and so apply the session defaults. */
const SESSION_STARTERS: readonly Component[] = ['api', 'mcp'];
const LLM: readonly Component[] = ['llm-worker'];
const SCANNER: readonly Component[] = ['scanner'];
/** The scanner follows logs; the worker reads an incident's log window from the same sources. */
const SCANNER_AND_WORKER: readonly Component[] = ['scanner', 'worker'];

const label = <N extends string>(name: N, key: keyof AttributionLabels, what: string) => ({
  name,
  key: `scanner.labels.${key}`,
  description: `label names that carry ${what} (comma list; matched exactly, with -/_ swapped, or as a prefixed label's last segment)`,
  default: DEFAULT_ATTRIBUTION_LABELS[key].join(','),
  components: SCANNER_AND_WORKER,
});

export const CONFIG_ENV_VARS = [
  // Temporal
  {
    name: 'TEMPORAL_ADDRESS',
    key: 'temporal.address',
    description: 'Temporal frontend host:port; `healer dev` starts a dev server here if nothing answers',
    default: '127.0.0.1:7233',
    components: TEMPORAL_USERS,
  },
  {
    name: 'TEMPORAL_NAMESPACE',
    key: 'temporal.namespace',
    description: 'Temporal namespace',
    default: 'default',
    components: TEMPORAL_USERS,
  },
  {
    name: 'TEMPORAL_UI_URL',
    key: 'temporal.uiUrl',
    description: 'Temporal Web UI, for the session links in issues (`healer dev`: port + 1000 on the same host)',
    default: '',
    components: [...SESSION_STARTERS, 'dev'],
  },
  {
    name: 'TEMPORAL_CLI',
    key: 'temporal.cli',
    description: 'path of a `temporal` binary for the dev server, instead of PATH or one built into .bin/',
    default: '',
    components: ['dev'],
  },
  // The HTTP API and the CLI's way to it
  {
    name: 'HEALER_PORT',
    key: 'api.port',
    description: 'API listen port (0 picks a free one)',
    default: '8083',
    components: ['api', 'dev', 'cli'],
  },
  {
    name: 'HEALER_API_HOST',
    key: 'api.host',
    description: 'API listen address',
    default: '127.0.0.1',
    components: ['api', 'dev', 'cli'],
  },
  {
    name: 'HEALER_API_URL',
    key: 'api.publicUrl',
    description: 'where the CLI finds the API',
    default: 'http://<HEALER_API_HOST>:<HEALER_PORT>',
    components: ['cli'],
  },
  {
    name: 'HEALER_API_TOKEN',
    key: 'api.token',
    description: 'bearer token with every scope (read, write, admin); the CLI sends it',
    default: '',
    components: ['api', 'cli'],
    secret: true,
  },
  {
    name: 'HEALER_API_TOKENS',
    key: 'api.tokens',
    description:
      'more API tokens with scopes: `name:scope,scope:token` entries separated by `;` (scopes read, write, admin)',
    default: '',
    components: ['api'],
    secret: true,
  },
  {
    name: 'HEALER_API_TOKENS_FILE',
    key: 'api.tokensFile',
    description: 'a file of API tokens, one `name:scope,scope:token` entry per line (`#` comments)',
    default: '',
    components: ['api'],
  },
  {
    name: 'HEALER_METRICS_TOKEN',
    key: 'api.metricsToken',
    description: "bearer token the API's GET /metrics needs when set (otherwise /metrics is open)",
    default: '',
    components: ['api'],
    secret: true,
  },
  {
    name: 'HEALER_API_RATE_LIMIT',
    key: 'api.rateLimit.max',
    description: 'requests per caller (token, or client address without tokens) per window; 429 beyond; 0 = off',
    default: '1200',
    components: ['api'],
  },
  {
    name: 'HEALER_API_RATE_LIMIT_LOGS',
    key: 'api.rateLimit.logsMax',
    description: 'log pushes (POST …/logs) per caller per window, counted apart from other requests; 0 = off',
    default: '12000',
    components: ['api'],
  },
  {
    name: 'HEALER_API_RATE_LIMIT_WINDOW_MS',
    key: 'api.rateLimit.windowMs',
    description: 'the rate-limit window',
    default: '60000',
    components: ['api'],
  },
  {
    name: 'HEALER_LOG_LEVEL',
    key: 'logLevel',
    description: 'log level of every component: fatal, error, warn, info, debug, trace or silent',
    default: 'info',
    components: [...TEMPORAL_USERS],
  },
  {
    name: 'HEALER_LOG_FORMAT',
    key: 'logFormat',
    description: 'log lines as `json` (one object per line, for containers) or `pretty` (for people)',
    default: 'json (pretty for the components `healer dev` runs)',
    components: [...TEMPORAL_USERS],
  },
  {
    name: 'OTEL_EXPORTER_OTLP_ENDPOINT',
    key: 'tracing.otlpEndpoint',
    description:
      'OpenTelemetry collector (OTLP over HTTP, e.g. http://otel-collector:4318): traces of API requests, scanner batches, workflows and activities go there; unset: tracing is off',
    default: '',
    components: ['api', 'worker', 'llm-worker', 'scanner', 'watchdog'],
  },
  // Shared by every process
  {
    name: 'HEALER_NAMESPACE',
    key: 'namespace',
    description: 'Kubernetes namespace watched; names the watchdog `watchdog-<namespace>` the components heartbeat to',
    default: 'cto',
    components: [...COMPONENT_PROCESSES, ...SESSION_STARTERS],
  },
  {
    name: 'HEALER_STATE_DIR',
    key: 'stateDir',
    description: 'local state: dev-server database, scanner cursors, dry-run GitHub effects, component logs',
    default: '.healer/ in the project',
    components: ['worker', 'llm-worker', 'scanner', 'watchdog', 'dev', 'cli'],
  },
  // Sessions
  {
    name: 'CTO_CONFIG',
    key: 'ctoConfigPath',
    description: 'cto-config.json whose `remediation` block is the default of every session started',
    default: './cto-config.json if present',
    components: SESSION_STARTERS,
  },
  {
    name: 'HEALER_PREFLIGHT_WINDOW_MS',
    key: 'preflightWindowMs',
    description: 'how long an agent has to report its tool inventory after it starts',
    default: '60000',
    components: SESSION_STARTERS,
  },
  {
    name: 'HEALER_PREFLIGHT_UNKNOWN_IS',
    key: 'preflight.unknownIs',
    description:
      'a pre-flight item with no evidence when the window closes shows `unknown`: `pass` (ignored), `warn` (shown, not raised) or `fail` (raised as P1); cto-config `defaults.preflight.unknownIs` when unset',
    default: 'warn',
    components: SESSION_STARTERS,
  },
  {
    name: 'HEALER_CONTEXT_BEFORE_SECS',
    key: 'context.beforeSecs',
    description: "an incident's log window starts this long before its detection (every agent of the session)",
    default: '300',
    components: SESSION_STARTERS,
  },
  {
    name: 'HEALER_CONTEXT_AFTER_SECS',
    key: 'context.afterSecs',
    description: "an incident's log window ends this long after its detection; the incident gathers it then",
    default: '60',
    components: SESSION_STARTERS,
  },
  {
    name: 'HEALER_CONTEXT_MAX_LINES',
    key: 'context.maxLines',
    description:
      'lines of the window kept for the issue and the model (nearest the detection, and every catalog match)',
    default: '200',
    components: SESSION_STARTERS,
  },
  {
    name: 'HEALER_CONTEXT_MAX_BYTES',
    key: 'context.maxBytes',
    description: 'bytes of the window kept for the issue and the model (after redaction)',
    default: '16384',
    components: SESSION_STARTERS,
  },
  {
    name: 'HEALER_MAX_OPEN_INCIDENTS',
    key: 'maxOpenIncidents',
    description: 'open incidents per session at once (new failures beyond it wait and open as incidents finish)',
    default: '5',
    components: SESSION_STARTERS,
  },
  {
    name: 'HEALER_EVIDENCE_INTERVAL_MS',
    key: 'evidenceIntervalMs',
    description: 'repeats of a failure with an open incident reach it folded, at most this often',
    default: '60000',
    components: SESSION_STARTERS,
  },
  {
    name: 'HEALER_GENERIC_ERROR_INCIDENT_RATE',
    key: 'genericErrorRate',
    description:
      'N/Mm: a generic error line (G1) opens an incident once its fingerprint occurs N times within M minutes',
    default: '20/10m (20 within 10 minutes)',
    components: SESSION_STARTERS,
  },
  // GitHub and notifications
  {
    name: 'GITHUB_TOKEN',
    key: 'github.token',
    description: 'GitHub token; without it GitHub runs dry (effects recorded under the state dir)',
    default: '',
    components: ['worker', 'watchdog'],
    secret: true,
  },
  {
    name: 'GITHUB_API_URL',
    key: 'github.apiUrl',
    description: 'GitHub API base URL (GitHub Enterprise)',
    default: 'https://api.github.com',
    components: ['worker', 'watchdog'],
  },
  {
    name: 'HEALER_ISSUES_REPO',
    key: 'github.issuesRepo',
    description: 'owner/name issues and escalations go to (default: the session repository)',
    default: '',
    components: ['worker', 'watchdog'],
  },
  {
    name: 'DISCORD_WEBHOOK_URL',
    key: 'discordWebhookUrl',
    description: 'Discord webhook for notifications',
    default: '',
    components: ['worker', 'watchdog'],
    secret: true,
  },
  // GitHub Actions CI failures
  {
    name: 'GITHUB_WEBHOOK_SECRET',
    key: 'ci.webhookSecret',
    description:
      'secret of the GitHub webhook (X-Hub-Signature-256) at POST /api/v1/github/webhook; unset: the route answers 503',
    default: '',
    components: ['api'],
    secret: true,
  },
  {
    name: 'HEALER_WATCH_REPOS',
    key: 'ci.watchRepos',
    description:
      'repositories (owner/name, comma list) whose failed CI runs are taken on besides those of active sessions',
    default: '',
    components: ['api', 'worker'],
  },
  {
    name: 'HEALER_CI_IGNORE_ACTORS',
    key: 'ci.ignoredActors',
    description: 'logins whose CI runs are ignored (comma list)',
    default: DEFAULT_IGNORED_ACTORS.join(','),
    components: ['api'],
  },
  {
    name: 'HEALER_CI_POLL_INTERVAL_MS',
    key: 'ci.pollIntervalMs',
    description: 'poll failed CI runs of watched repositories this often (for deployments without webhooks); 0: off',
    default: '0',
    components: ['api'],
  },
  // Model gateway
  {
    name: 'GEMINI_API_KEY',
    key: 'gemini.apiKey',
    description: 'Gemini API key; without it the rule-based evaluator runs',
    default: '',
    components: LLM,
    secret: true,
  },
  {
    name: 'GEMINI_BASE_URL',
    key: 'gemini.baseUrl',
    description: 'Gemini API base URL',
    default: '',
    components: LLM,
  },
  {
    name: 'ANTHROPIC_API_KEY',
    key: 'modelGateway.providers.anthropic.apiKey',
    description: 'Anthropic API key: Claude models join the chain',
    default: '',
    components: [...LLM, 'cli'],
    secret: true,
  },
  {
    name: 'ANTHROPIC_BASE_URL',
    key: 'modelGateway.providers.anthropic.baseUrl',
    description: 'Anthropic API base URL',
    default: 'https://api.anthropic.com',
    components: [...LLM, 'cli'],
  },
  {
    name: 'XAI_API_KEY',
    key: 'modelGateway.providers.xai.apiKey',
    description: 'xAI API key: Grok models join the chain',
    default: '',
    components: [...LLM, 'cli'],
    secret: true,
  },
  {
    name: 'XAI_BASE_URL',
    key: 'modelGateway.providers.xai.baseUrl',
    description: 'xAI API base URL',
    default: 'https://api.x.ai/v1',
    components: [...LLM, 'cli'],
  },
  {
    name: 'OPENAI_COMPATIBLE_BASE_URL',
    key: 'modelGateway.providers.openai-compatible.baseUrl',
    description:
      'an OpenAI-compatible endpoint (vLLM, Ollama, LiteLLM; e.g. http://host:8000/v1): its models join the chain',
    default: '',
    components: [...LLM, 'cli'],
  },
  {
    name: 'OPENAI_COMPATIBLE_API_KEY',
    key: 'modelGateway.providers.openai-compatible.apiKey',
    description: 'key of the OpenAI-compatible endpoint, if it takes one',
    default: '',
    components: [...LLM, 'cli'],
    secret: true,
  },
  {
    name: 'OPENAI_COMPATIBLE_MODELS',
    key: 'modelGateway.providers.openai-compatible.models',
    description:
      'models of the OpenAI-compatible endpoint to use, in order (comma list); default: every model it lists',
    default: '',
    components: [...LLM, 'cli'],
  },
  {
    name: 'HEALER_PROVIDERS',
    key: 'modelGateway.providerOrder',
    description: 'provider order of the discovered chain (comma list of gemini, anthropic, xai, openai-compatible)',
    default: 'those with a key, in that order',
    components: [...LLM, 'cli'],
  },
  {
    name: 'HEALER_EVALUATION_MODELS',
    key: 'modelGateway.roleModels.evaluate',
    description: 'models for evaluations (as HEALER_FALLBACK_MODELS), instead of HEALER_FALLBACK_MODELS',
    default: '',
    components: [...LLM, 'cli'],
  },
  {
    name: 'HEALER_REMEDIATION_MODELS',
    key: 'modelGateway.roleModels.remediate',
    description: 'models for remediation patches (as HEALER_FALLBACK_MODELS), instead of HEALER_FALLBACK_MODELS',
    default: '',
    components: [...LLM, 'cli'],
  },
  {
    name: 'HEALER_MODEL_PRICES_FILE',
    key: 'modelGateway.pricesFile',
    description:
      'JSON file of prices per million tokens {"model" | "provider:model" | "provider:*": {"inputPerMTok", "outputPerMTok"}}, over the built-in table',
    default: '',
    components: [...LLM, 'cli', 'api'],
  },
  {
    name: 'HEALER_FALLBACK_MODELS',
    key: 'modelGateway.fallbackModels',
    description:
      'model order to try (comma list of provider:model or gemini-*/claude-*/grok-* ids, matched to listed ids), instead of the discovered one',
    default: '',
    components: [...LLM, 'cli'],
  },
  {
    name: 'HEALER_DAILY_BUDGET_USD',
    key: 'modelGateway.dailyBudgetUsd',
    description: 'model spend per UTC day',
    default: '1',
    components: [...LLM, 'api', 'cli'],
  },
  {
    name: 'HEALER_BUDGET_MODE',
    key: 'modelGateway.onBudgetExhausted',
    description: 'over budget: `fallback` (rule-based evaluator at once) or `wait` (retry until the chain deadline)',
    default: 'fallback',
    components: LLM,
  },
  {
    name: 'HEALER_MODEL_PRICES',
    key: 'modelGateway.prices',
    description: 'price overrides, JSON {"model": {"inputPerMTok": n, "outputPerMTok": n}}',
    default: 'built-in table',
    components: LLM,
  },
  {
    name: 'HEALER_MODEL_CALL_TIMEOUT_MS',
    key: 'modelGateway.callTimeoutMs',
    description: 'timeout of one model call',
    default: '30000',
    components: LLM,
  },
  {
    name: 'HEALER_MODEL_CHAIN_DEADLINE_MS',
    key: 'modelGateway.chainDeadlineMs',
    description: 'deadline of one request across every model and retry',
    default: '120000',
    components: LLM,
  },
  {
    name: 'HEALER_MODEL_BACKOFF_BASE_MS',
    key: 'modelGateway.retry.backoffBaseMs',
    description: 'retry backoff base (1 s, 2 s, 4 s …)',
    default: '1000',
    components: LLM,
  },
  {
    name: 'HEALER_MODEL_RETRY_AFTER_CAP_MS',
    key: 'modelGateway.retry.retryAfterCapMs',
    description: 'longest Retry-After honoured before moving to the next model',
    default: '10000',
    components: LLM,
  },
  {
    name: 'HEALER_BREAKER_FAILURES',
    key: 'modelGateway.breaker.failureThreshold',
    description: 'consecutive failures that open a model circuit breaker',
    default: '5',
    components: LLM,
  },
  {
    name: 'HEALER_BREAKER_COOLDOWN_MS',
    key: 'modelGateway.breaker.coolDownMs',
    description: 'how long an open breaker waits before a probe call',
    default: '60000',
    components: LLM,
  },
  {
    name: 'HEALER_MODEL_DISCOVERY_REFRESH_MS',
    key: 'modelGateway.discoveryRefreshMs',
    description: 'how often the model list is refreshed',
    default: '3600000',
    components: LLM,
  },
  {
    name: 'HEALER_LLM_RATE_PER_SECOND',
    key: 'llmRatePerSecond',
    description: 'model calls per second on healer-llm, for the whole task queue however many workers run',
    default: '2',
    components: LLM,
  },
  {
    name: 'HEALER_LOG_PATH',
    key: 'logPath',
    description: 'model call log directory: one JSON line per attempt, with provider and model, never prompt text',
    default: '<state dir>/logs',
    components: [...LLM, 'api'],
  },
  // Kubernetes
  {
    name: 'KUBECONFIG',
    key: 'kubernetes.kubeconfig',
    description: 'kubeconfig file; without it and outside a cluster, Kubernetes is not used',
    default: '',
    components: ['worker', 'scanner', 'watchdog'],
  },
  {
    name: 'KUBERNETES_SERVICE_HOST',
    key: 'kubernetes.inCluster',
    description: "set by Kubernetes in every pod: use the pod's service account",
    default: 'unset outside a cluster',
    components: ['worker', 'scanner', 'watchdog'],
  },
  // Metrics of component processes
  {
    name: 'HEALER_METRICS_PORT',
    key: 'metrics.port',
    description: 'serve /metrics and /health (the probe port) on this port',
    default: '',
    components: COMPONENT_PROCESSES,
  },
  {
    name: 'HEALER_TEMPORAL_METRICS_PORT',
    key: 'metrics.temporalPort',
    description: "where the Temporal SDK's own metrics are served locally, relayed on /metrics",
    default: '',
    components: COMPONENT_PROCESSES,
  },
  // Scanner
  {
    name: 'LOKI_URL',
    key: 'loki.url',
    description: "Loki to follow (then pod logs are not read directly), and to read incidents' log windows from",
    default: '',
    components: SCANNER_AND_WORKER,
  },
  {
    name: 'LOKI_QUERY',
    key: 'loki.query',
    description: 'LogQL stream selector',
    default: '{namespace="cto"}',
    components: SCANNER,
  },
  {
    name: 'LOKI_ORG_ID',
    key: 'loki.orgId',
    description: 'Loki tenant (X-Scope-OrgID header)',
    default: '',
    components: SCANNER_AND_WORKER,
  },
  {
    name: 'HEALER_SCANNER_NAMESPACE',
    key: 'scanner.namespace',
    description: 'Kubernetes namespace the scanner watches and names unattributed lines after (`platform-<namespace>`)',
    default: '<HEALER_NAMESPACE>',
    components: SCANNER,
  },
  {
    name: 'HEALER_SCANNER_STATE_DIR',
    key: 'scanner.stateDir',
    description: 'scanner cursors, sent batches and raised alerts',
    default: '<state dir>/scanner',
    components: SCANNER,
  },
  {
    name: 'HEALER_SCANNER_LABEL_SELECTOR',
    key: 'scanner.labelSelector',
    description: 'Kubernetes label selector of the pods and CodeRuns watched',
    default: '',
    components: SCANNER,
  },
  {
    name: 'HEALER_SCANNER_POD_LOGS',
    key: 'scanner.podLogs',
    description: 'read pod logs from Kubernetes (true/false; off when LOKI_URL is set)',
    default: 'true',
    components: SCANNER,
  },
  {
    name: 'HEALER_CODERUN_VERSION',
    key: 'scanner.coderunVersion',
    description: 'CodeRun custom resource version',
    default: 'v1',
    components: SCANNER,
  },
  {
    name: 'HEALER_LOG_FILE',
    key: 'scanner.logFile',
    description: 'a log file to follow (`-` for stdin)',
    default: '',
    components: SCANNER,
  },
  {
    name: 'HEALER_LOG_LABELS',
    key: 'scanner.logLabels',
    description: 'labels of HEALER_LOG_FILE lines, e.g. `play-id=42,agent=rex`',
    default: '',
    components: SCANNER,
  },
  label('HEALER_LABEL_PLAY_ID', 'playIdLabels', 'the play id'),
  label('HEALER_LABEL_TASK_ID', 'taskIdLabels', 'the task id'),
  label('HEALER_LABEL_AGENT', 'agentLabels', 'the agent'),
  label('HEALER_LABEL_CODERUN', 'coderunLabels', 'the CodeRun'),
  label('HEALER_LABEL_POD', 'podLabels', 'the pod'),
  label('HEALER_LABEL_NAMESPACE', 'namespaceLabels', 'the Kubernetes namespace'),
  // Watchdog and the local stack
  {
    name: 'HEALER_AUDIT_LOG',
    key: 'watchdog.auditLogPath',
    description: "the watchdog's hash-chained audit log (also what `healer audit verify` reads)",
    default: '<state dir>/audit.jsonl',
    components: ['watchdog', 'cli'],
  },
  {
    name: 'HEALER_SUPERVISOR_URL',
    key: 'watchdog.supervisorUrl',
    description: 'restart components through this `healer dev` supervisor (set by `healer dev`) instead of Kubernetes',
    default: '',
    components: ['watchdog'],
  },
  {
    name: 'HEALER_SUPERVISOR_PORT',
    key: 'dev.supervisorPort',
    description: "port of `healer dev`'s supervisor control endpoint (0 picks a free one)",
    default: '0',
    components: ['dev'],
  },
] as const satisfies readonly EnvVarSpec[];

export type EnvVarName = (typeof CONFIG_ENV_VARS)[number]['name'];

const BY_NAME = new Map<string, EnvVarSpec>(CONFIG_ENV_VARS.map((spec) => [spec.name, spec]));

/** The spec of a listed variable (EnvVarName admits only listed names). */
export const envVarSpec = (name: EnvVarName): EnvVarSpec => BY_NAME.get(name)!;

/** The variables a process kind reads, for its `--help`. */
export const envVarsFor = (component: Component): EnvVarSpec[] =>
  CONFIG_ENV_VARS.filter((spec) => (spec.components as readonly Component[]).includes(component));
