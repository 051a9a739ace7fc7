// What a failed HTTP answer from a model vendor means, per provider. Pure: the status, the retry
// headers and the parsed error body go in; an error class and the wait the vendor asked for come out.
// Each vendor says "your key is wrong" or "you are out of credit" its own way (Gemini and xAI with a
// 400, Anthropic with 400/402/429 and an error code), and those must never be retried.
import type { ProviderName } from './providers';
import { classifyHttpStatus, parseRetryAfterMs, type ModelErrorClass } from './retry';

export interface HttpFailure {
  status: number;
  /** `retry-after-ms` / `retry-after` response headers. */
  retryAfterMs?: string | null;
  retryAfter?: string | null;
  /** The error body, parsed when it was JSON. */
  body?: unknown;
}

export interface Classified {
  errorClass: ModelErrorClass;
  retryAfterMs?: number;
}

type Json = Record<string, unknown>;
const asObject = (value: unknown): Json | undefined =>
  value && typeof value === 'object' && !Array.isArray(value) ? (value as Json) : undefined;
const asString = (value: unknown): string => (typeof value === 'string' ? value : '');

/** The error's type/code/message wherever the vendor puts them ({error:{type,code,message}}, {code,error}). */
function errorFields(body: unknown): { type: string; code: string; message: string; details: unknown[] } {
  const top = asObject(body);
  const error = asObject(top?.error);
  const details = asObject(error?.details);
  return {
    type: asString(error?.type) || asString(error?.status) || asString(top?.type),
    code: asString(details?.error_code) || asString(error?.code) || asString(top?.code),
    message: asString(error?.message) || asString(top?.error) || asString(top?.message),
    details: Array.isArray(error?.details) ? (error.details as unknown[]) : [],
  };
}

/** Google's RetryInfo detail ("retryDelay": "7s"). */
function googleRetryDelay(details: unknown[]): string | undefined {
  for (const detail of details) {
    const fields = asObject(detail);
    if (asString(fields?.['@type']).endsWith('RetryInfo')) return asString(fields?.retryDelay) || undefined;
  }
  return undefined;
}

const MODEL_MISSING = /model.*(not found|does not exist|not available|unknown)|(unknown|invalid) model/i;
const KEY_REJECTED =
  /(api[ _-]?key|credentials?).*(invalid|incorrect|not valid|expired|missing)|(invalid|incorrect|wrong) (api[ _-]?key|credentials)|API_KEY_INVALID/i;
const OUT_OF_CREDIT =
  /(credit balance|spend(ing)? limit|insufficient[_ ]quota|billing|doesn't have any credits|out of credits)/i;

function byProvider(provider: ProviderName, failure: HttpFailure): ModelErrorClass {
  const { type, code, message } = errorFields(failure.body);
  const text = `${type} ${code} ${message}`;
  const status = failure.status;
  switch (provider) {
    case 'anthropic':
      if (status === 529 || type === 'overloaded_error') return 'overloaded';
      if (type === 'billing_error' || code === 'enforced_spend_limit_reached' || OUT_OF_CREDIT.test(message))
        return 'quota';
      if (type === 'authentication_error' || type === 'permission_error') return 'auth';
      if (type === 'not_found_error') return 'not-found';
      break;
    case 'gemini':
      if (status === 400 && KEY_REJECTED.test(text)) return 'auth';
      break;
    case 'xai':
    case 'openai-compatible':
      if (code === 'insufficient_quota' || OUT_OF_CREDIT.test(text)) return 'quota';
      if (code === 'invalid_api_key' || (status < 500 && KEY_REJECTED.test(text))) return 'auth';
      if (code === 'model_not_found' || (status === 400 && MODEL_MISSING.test(message))) return 'not-found';
      break;
  }
  return classifyHttpStatus(status);
}

export function classifyHttpFailure(provider: ProviderName, failure: HttpFailure, nowMs: number): Classified {
  const errorClass = byProvider(provider, failure);
  const retryAfterMs =
    (failure.retryAfterMs && Number.isFinite(Number(failure.retryAfterMs))
      ? Math.round(Number(failure.retryAfterMs))
      : undefined) ??
    parseRetryAfterMs(failure.retryAfter, nowMs) ??
    parseRetryAfterMs(googleRetryDelay(errorFields(failure.body).details), nowMs);
  return retryAfterMs === undefined ? { errorClass } : { errorClass, retryAfterMs };
}
