// The narrow interface between Healer's callers (evaluation, remediation) and the model gateway.
// Callers describe what they want and the JSON schema of the answer; the gateway picks models,
// retries, enforces the budget and validates the answer. Plain data: it travels through Temporal.

export type JsonSchema = Record<string, unknown>;

export interface StructuredRequest {
  /** What the call is for; appears in the call log and metrics. */
  purpose: 'evaluate' | 'remediate';
  /** Incident (or other) id, for the call log and idempotent budget reservations. */
  correlationId: string;
  system: string;
  /** Already redacted by the caller. */
  prompt: string;
  /** JSON schema the answer must satisfy; a violating answer is a failed attempt. */
  responseSchema: JsonSchema;
  maxOutputTokens?: number;
}

export type StructuredResult<T> =
  | {
      ok: true;
      value: T;
      model: string;
      /** gemini, anthropic, xai or openai-compatible. */
      provider?: string;
      attempts: number;
      inputTokens: number;
      outputTokens: number;
      costUsd: number;
    }
  | {
      ok: false;
      /** no-key: no provider configured; budget: daily budget exhausted; exhausted: every model failed. */
      reason: 'no-key' | 'budget' | 'exhausted';
      detail: string;
      /**
       * With `exhausted`: the chain ran out of time before any model answered, because of Healer's own
       * infrastructure (a worker killed mid-attempt, the budget or breaker workflows unreachable). Callers
       * retry later instead of treating the models as unable to serve.
       */
      infrastructure?: boolean;
    };

/** Activity name the healing chain schedules on the `healer-llm` task queue. */
export const GENERATE_STRUCTURED_ACTIVITY = 'generateStructured';
