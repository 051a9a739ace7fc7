import { classifyHttpFailure } from '../../../core/model/classify';
import { costUsd, parsePriceOverrides, priceFor } from '../../../core/model/prices';

const NOW = Date.parse('2026-01-01T00:00:00Z');
const anthropicError = (type: string, message = 'x', errorCode?: string) => ({
  type: 'error',
  error: { type, message, ...(errorCode ? { details: { error_code: errorCode } } : {}) },
});

test('Anthropic: 529 overloaded, 429 with retry-after, spend caps and billing as quota, auth, retired models', () => {
  const classify = (status: number, body: unknown, retryAfter?: string) =>
    classifyHttpFailure('anthropic', { status, body, retryAfter }, NOW);
  expect(classify(529, anthropicError('overloaded_error', 'Overloaded'))).toEqual({ errorClass: 'overloaded' });
  expect(classify(429, anthropicError('rate_limit_error'), '12')).toEqual({
    errorClass: 'rate-limited',
    retryAfterMs: 12_000,
  });
  expect(classify(429, anthropicError('rate_limit_error', 'x', 'enforced_spend_limit_reached')).errorClass).toBe(
    'quota',
  );
  expect(classify(400, anthropicError('invalid_request_error', 'Your credit balance is too low')).errorClass).toBe(
    'quota',
  );
  expect(classify(402, anthropicError('billing_error')).errorClass).toBe('quota');
  expect(classify(401, anthropicError('authentication_error')).errorClass).toBe('auth');
  expect(classify(403, anthropicError('permission_error')).errorClass).toBe('auth');
  expect(classify(404, anthropicError('not_found_error', 'model: claude-2')).errorClass).toBe('not-found');
  expect(classify(500, anthropicError('api_error')).errorClass).toBe('server-error');
  expect(classify(400, anthropicError('invalid_request_error', 'max_tokens too large')).errorClass).toBe(
    'client-error',
  );
});

test('Gemini: a 400 naming an invalid key is auth; RetryInfo is a wait', () => {
  const keyBody = {
    error: { code: 400, message: 'API key not valid. Please pass a valid API key.', status: 'INVALID_ARGUMENT' },
  };
  expect(classifyHttpFailure('gemini', { status: 400, body: keyBody }, NOW)).toEqual({ errorClass: 'auth' });
  const quota = {
    error: {
      code: 429,
      status: 'RESOURCE_EXHAUSTED',
      message: 'quota',
      details: [{ '@type': 'type.googleapis.com/google.rpc.RetryInfo', retryDelay: '7s' }],
    },
  };
  expect(classifyHttpFailure('gemini', { status: 429, body: quota }, NOW)).toEqual({
    errorClass: 'rate-limited',
    retryAfterMs: 7000,
  });
  expect(
    classifyHttpFailure('gemini', { status: 400, body: { error: { message: 'bad schema' } } }, NOW).errorClass,
  ).toBe('client-error');
});

test('xAI and OpenAI-compatible: wrong keys (400 or 401), quota, missing models, retry-after-ms', () => {
  const xaiKey = { error: 'Incorrect API key provided: xa***. You can obtain an API key from https://console.x.ai.' };
  expect(classifyHttpFailure('xai', { status: 400, body: xaiKey }, NOW).errorClass).toBe('auth');
  expect(
    classifyHttpFailure(
      'xai',
      { status: 403, body: { error: "Your newly created team doesn't have any credits yet." } },
      NOW,
    ).errorClass,
  ).toBe('quota');
  expect(
    classifyHttpFailure('xai', { status: 400, body: { error: 'The model grok-9 does not exist' } }, NOW).errorClass,
  ).toBe('not-found');
  const openAi = (code: string) => ({ body: { error: { message: 'm', type: 'invalid_request_error', code } } });
  expect(classifyHttpFailure('openai-compatible', { status: 401, ...openAi('invalid_api_key') }, NOW).errorClass).toBe(
    'auth',
  );
  expect(
    classifyHttpFailure('openai-compatible', { status: 429, ...openAi('insufficient_quota') }, NOW).errorClass,
  ).toBe('quota');
  expect(classifyHttpFailure('openai-compatible', { status: 429, retryAfterMs: '1500', body: {} }, NOW)).toEqual({
    errorClass: 'rate-limited',
    retryAfterMs: 1500,
  });
  expect(classifyHttpFailure('openai-compatible', { status: 503, body: {} }, NOW).errorClass).toBe('server-error');
});

test('prices per provider: dated releases, dots or hyphens, provider-wide entries, and the safe side for unknown models', () => {
  expect(priceFor('anthropic:claude-sonnet-4-5-20250929')).toEqual({ inputPerMTok: 3, outputPerMTok: 15 });
  expect(priceFor('xai:grok-4-1-fast-reasoning')).toEqual({ inputPerMTok: 0.2, outputPerMTok: 0.5 });
  expect(priceFor('xai:grok-4.20-0309-non-reasoning')).toEqual({ inputPerMTok: 1.25, outputPerMTok: 2.5 });
  expect(priceFor('gemini:gemini-3-pro-preview')).toEqual({ inputPerMTok: 2, outputPerMTok: 12 });
  expect(priceFor('openai-compatible:llama-3.3-70b')).toEqual({ inputPerMTok: 0, outputPerMTok: 0 });
  // Unknown: the dearest entry of its provider.
  expect(priceFor('anthropic:claude-nova-9')).toEqual({ inputPerMTok: 15, outputPerMTok: 75 });
  expect(costUsd('gemini:gemini-2.5-flash', 100, 20)).toBe(0.00008);
  const table = parsePriceOverrides(
    '{"openai-compatible:*": {"inputPerMTok": 1, "outputPerMTok": 2}, "anthropic:claude-haiku-4-5": {"inputPerMTok": 0.5, "outputPerMTok": 1}}',
  );
  expect(priceFor('openai-compatible:qwen3', table)).toEqual({ inputPerMTok: 1, outputPerMTok: 2 });
  expect(priceFor('anthropic:claude-haiku-4-5', table)).toEqual({ inputPerMTok: 0.5, outputPerMTok: 1 });
  expect(() => parsePriceOverrides('{"x": {"inputPerMTok": -1}}', undefined, 'HEALER_MODEL_PRICES_FILE')).toThrow(
    'HEALER_MODEL_PRICES_FILE.x: expected',
  );
});
