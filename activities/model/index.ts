// The model gateway's activities (task queue healer-llm). Every Healer component that needs a model
// calls generateStructured: a request with a JSON schema in, a validated object (or a reason) out.
// See activities/model/gateway.ts for how retries, fallback, breaker and budget fit together.
import type { Client } from '@temporalio/client';
import type { StructuredRequest, StructuredResult } from '../../core/model/request';
import { CallLog } from './call-log';
import { DEFAULT_GATEWAY_CONFIG, type ModelGatewayConfig } from './config';
import { ModelCatalog } from './discovery';
import { createGeminiProvider } from './gemini-provider';
import { runChainAttempt } from './gateway';
import type { ModelProvider } from './provider';
import { SharedState } from './shared-state';
import { AnswerValidator } from './validate';

export interface ModelActivityDeps {
  /** GEMINI_API_KEY; without it (and without a provider) every call answers {ok:false, reason:'no-key'}. */
  apiKey?: string;
  /** GEMINI_BASE_URL. */
  baseUrl?: string;
  /** Another provider instead of Gemini. */
  provider?: ModelProvider;
  /** Temporal client: breakers and the budget live in entity workflows. */
  client: Client;
  /** HEALER_LOG_PATH. */
  logDir: string;
  config?: Partial<ModelGatewayConfig>;
  now?: () => number;
}

export function createModelActivities(deps: ModelActivityDeps) {
  const config: ModelGatewayConfig = { ...DEFAULT_GATEWAY_CONFIG, ...deps.config };
  const now = deps.now ?? Date.now;
  const provider =
    deps.provider ??
    (deps.apiKey
      ? createGeminiProvider({ apiKey: deps.apiKey, baseUrl: deps.baseUrl, pageSize: config.discoveryPageSize })
      : undefined);
  const state = new SharedState({
    client: deps.client,
    taskQueue: config.stateTaskQueue,
    healthWorkflowId: config.healthWorkflowId,
    budgetWorkflowPrefix: config.budgetWorkflowPrefix,
    breaker: config.breaker,
    dailyBudgetUsd: config.dailyBudgetUsd,
    breakerViewTtlMs: config.breakerViewTtlMs,
    now,
  });
  const catalog = provider
    ? new ModelCatalog(provider, {
        refreshMs: config.discoveryRefreshMs,
        listTimeoutMs: config.callTimeoutMs,
        override: config.fallbackModels,
        now,
        onChange: (resolved) =>
          void state.reportChain({ ...resolved, reportedAt: new Date(now()).toISOString() }).catch(() => undefined),
      })
    : undefined;
  const log = new CallLog(deps.logDir);
  const validator = new AnswerValidator();

  return {
    async generateStructured(request: StructuredRequest): Promise<StructuredResult<unknown>> {
      if (!provider || !catalog)
        return { ok: false, reason: 'no-key', detail: 'GEMINI_API_KEY is not set; use the rule-based evaluator' };
      if (!validator.isValidSchema(request.responseSchema)) {
        return { ok: false, reason: 'exhausted', detail: 'the request’s responseSchema is not a valid JSON schema' };
      }
      return runChainAttempt({ provider, catalog, state, log, validator, config, now }, request);
    },
  };
}

export type ModelActivities = ReturnType<typeof createModelActivities>;
