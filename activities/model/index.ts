// The model gateway's activities (task queue healer-llm). Every Healer component that needs a model
// calls generateStructured: a request with a JSON schema in, a validated object (or a reason) out.
// See activities/model/gateway.ts for how retries, fallback, breakers and budget fit together.
import type { Client } from '@temporalio/client';
import type { StructuredRequest, StructuredResult } from '../../core/model/request';
import { DEFAULT_GATEWAY_CONFIG, type ModelGatewayConfig } from '../../core/model/gateway-config';
import { parseModelList, PROVIDER_KEY_VARS, type ProviderName } from '../../core/model/providers';
import { CallLog } from './call-log';
import { ModelCatalog, type CatalogReport } from './discovery';
import { runChainAttempt } from './gateway';
import type { ModelProvider } from './provider';
import { createProviders } from './providers';
import { SharedState } from './shared-state';
import { AnswerValidator } from './validate';

export interface ModelActivityDeps {
  /** Shorthand for config.providers.gemini.apiKey (GEMINI_API_KEY). */
  apiKey?: string;
  /** Shorthand for config.providers.gemini.baseUrl (GEMINI_BASE_URL). */
  baseUrl?: string;
  /** Provider clients to use instead of those config.providers describes. */
  providers?: ModelProvider[];
  /** Temporal client: breakers, the budget and the statistics live in entity workflows. */
  client: Client;
  /** HEALER_LOG_PATH. */
  logDir: string;
  config?: Partial<ModelGatewayConfig>;
  now?: () => number;
  /** Told when the resolved chain changes and configured models are missing or no model is left. */
  warn?: (message: string) => void;
}

export interface ModelGateway {
  activities: { generateStructured(request: StructuredRequest): Promise<StructuredResult<unknown>> };
  catalog?: ModelCatalog;
  state: SharedState;
  config: ModelGatewayConfig;
}

/** The settings with the Gemini shorthand (GEMINI_API_KEY, GEMINI_BASE_URL) folded in. */
export function effectiveConfig(
  config: Partial<ModelGatewayConfig> = {},
  gemini: { apiKey?: string; baseUrl?: string } = {},
): ModelGatewayConfig {
  const merged: ModelGatewayConfig = { ...DEFAULT_GATEWAY_CONFIG, ...config };
  if (!gemini.apiKey && !gemini.baseUrl) return merged;
  const settings = { apiKey: gemini.apiKey, baseUrl: gemini.baseUrl, ...merged.providers.gemini };
  return { ...merged, providers: { ...merged.providers, gemini: settings } };
}

/** What a worker should say about a resolved chain: missing models, and an empty chain, loudly. */
export function chainWarnings(report: CatalogReport): string[] {
  const warnings: string[] = [];
  for (const [role, chain] of Object.entries(report.roles)) {
    for (const ref of chain.missing)
      warnings.push(`${role}: configured model ${ref} is skipped: ${chain.missingReasons[ref] ?? 'not listed'}`);
    for (const [requested, resolved] of Object.entries(chain.normalised))
      warnings.push(`${role}: configured model ${requested} resolves to ${resolved}`);
    if (chain.source === 'discovered-after-unmatched-override')
      warnings.push(`${role}: no configured model is served; using the discovered chain instead`);
    if (chain.chain.length === 0)
      warnings.push(`${role}: no model to call; the rule-based evaluator will answer every request`);
  }
  for (const provider of report.providers)
    if (provider.listError)
      warnings.push(`${provider.name}: listing models failed (${provider.listError}); check ${provider.keyVar}`);
  return [...new Set(warnings)];
}

/** The catalog of the configured providers' models (undefined when no provider is configured). */
export function createModelCatalog(
  config: ModelGatewayConfig,
  options: { providers?: ModelProvider[]; now?: () => number; onChange?: (report: CatalogReport) => void } = {},
): ModelCatalog | undefined {
  const providers = options.providers ?? createProviders(config);
  if (!providers.length) return undefined;
  return new ModelCatalog(providers, {
    refreshMs: config.discoveryRefreshMs,
    listTimeoutMs: config.callTimeoutMs,
    override: parseModelList(config.fallbackModels.join(','), 'HEALER_FALLBACK_MODELS'),
    roleOverrides: {
      evaluate: parseModelList(config.roleModels.evaluate.join(','), 'HEALER_EVALUATION_MODELS'),
      remediate: parseModelList(config.roleModels.remediate.join(','), 'HEALER_REMEDIATION_MODELS'),
    },
    preferred: { 'openai-compatible': config.providers['openai-compatible']?.models ?? [] },
    baseUrls: Object.fromEntries(
      Object.entries(config.providers).flatMap(([name, settings]) =>
        settings?.baseUrl ? [[name, settings.baseUrl]] : [],
      ),
    ) as Partial<Record<ProviderName, string>>,
    now: options.now ?? Date.now,
    onChange: options.onChange,
  });
}

/** The breakers, budget and statistics every worker shares, in Temporal. */
export function createSharedState(
  config: ModelGatewayConfig,
  client: Client,
  now: () => number = Date.now,
): SharedState {
  return new SharedState({
    client,
    taskQueue: config.stateTaskQueue,
    healthWorkflowId: config.healthWorkflowId,
    budgetWorkflowPrefix: config.budgetWorkflowPrefix,
    breaker: config.breaker,
    dailyBudgetUsd: config.dailyBudgetUsd,
    breakerViewTtlMs: config.breakerViewTtlMs,
    now,
  });
}

export function createModelGateway(deps: ModelActivityDeps): ModelGateway {
  const config = effectiveConfig(deps.config, deps);
  const now = deps.now ?? Date.now;
  const providers = deps.providers ?? createProviders(config);
  const state = createSharedState(config, deps.client, now);
  const catalog = createModelCatalog(config, {
    providers,
    now,
    onChange: (report) => {
      for (const warning of chainWarnings(report)) deps.warn?.(warning);
      const reportedAt = new Date(now()).toISOString();
      void state
        .reportChain({ ...report.chain, reportedAt, roles: report.roles, providers: report.providers })
        .catch(() => undefined);
    },
  });
  const log = new CallLog(deps.logDir);
  const validator = new AnswerValidator();
  const keyVars = Object.values(PROVIDER_KEY_VARS).join(', ');

  return {
    catalog,
    state,
    config,
    activities: {
      async generateStructured(request: StructuredRequest): Promise<StructuredResult<unknown>> {
        if (!catalog)
          return {
            ok: false,
            reason: 'no-key',
            detail: `no model provider key is set (${keyVars}); use the rule-based evaluator`,
          };
        if (!validator.isValidSchema(request.responseSchema)) {
          return { ok: false, reason: 'exhausted', detail: 'the request’s responseSchema is not a valid JSON schema' };
        }
        return runChainAttempt({ catalog, state, log, validator, config, now }, request);
      },
    },
  };
}

export function createModelActivities(deps: ModelActivityDeps) {
  return createModelGateway(deps).activities;
}

export type ModelActivities = ReturnType<typeof createModelActivities>;
