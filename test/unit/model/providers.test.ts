// Each provider through its real SDK (@google/genai, @anthropic-ai/sdk, openai) against the project's
// fake of its HTTP API: answers, usage and every failure class the gateway acts on.
import { createAnthropicProvider } from '../../../activities/model/anthropic-provider';
import { createGeminiProvider } from '../../../activities/model/gemini-provider';
import { createOpenAiCompatibleProvider } from '../../../activities/model/openai-compatible-provider';
import type { ModelProvider, ProviderCall } from '../../../activities/model/provider';
import { startFakeAnthropic, type FakeAnthropic } from '../../fakes/anthropic';
import { startFakeGemini, type FakeGemini } from '../../fakes/gemini';
import { startFakeOpenAiCompatible, startFakeXai, type FakeOpenAiCompatible } from '../../fakes/openai-compatible';

const SCHEMA = { type: 'object', properties: { verdict: { type: 'string' } }, required: ['verdict'] };
const call = (model: string): ProviderCall => ({
  model,
  system: 'triage',
  prompt: 'R2 timeout',
  responseSchema: SCHEMA,
  maxOutputTokens: 64,
  timeoutMs: 2000,
});

describe('Anthropic (Messages API)', () => {
  let fake: FakeAnthropic;
  let provider: ModelProvider;
  beforeEach(async () => {
    fake = await startFakeAnthropic({
      models: [
        { id: 'claude-haiku-4-5-20251001' },
        { id: 'claude-sonnet-4-6' },
        { id: 'claude-3-5-sonnet-20241022', lifecycle: 'retired' },
      ],
      defaultAnswer: { verdict: 'fix' },
    });
    provider = createAnthropicProvider({ apiKey: 'test-anthropic-key', baseUrl: fake.url, pageSize: 1 });
  });
  afterEach(() => fake.stop());

  test('answers through a forced tool call, with usage; lists every page without retired models', async () => {
    expect(await provider.generate(call('claude-haiku-4-5-20251001'))).toEqual({
      text: '{"verdict":"fix"}',
      inputTokens: 100,
      outputTokens: 20,
      blocked: false,
    });
    const body = JSON.parse(fake.generateCalls()[0].body);
    expect(body).toMatchObject({
      model: 'claude-haiku-4-5-20251001',
      max_tokens: 64,
      system: 'triage',
      tool_choice: { type: 'tool', name: 'answer' },
      tools: [{ name: 'answer', input_schema: SCHEMA }],
    });
    expect(fake.generateCalls()[0].headers['anthropic-version']).toBeDefined();
    expect((await provider.listModels(2000)).map((m) => m.id)).toEqual([
      'claude-haiku-4-5-20251001',
      'claude-sonnet-4-6',
    ]);
    expect(fake.requests.filter((r) => r.path === '/v1/models').map((r) => r.query.after_id ?? '-')).toEqual([
      '-',
      'claude-haiku-4-5-20251001',
    ]);
  });

  test('classifies 429 with retry-after, 529 overloaded, 500, a spend cap, a retired model, refusals and a bad key', async () => {
    const model = 'claude-sonnet-4-6';
    fake.script(
      model,
      { kind: 'status', status: 429, retryAfter: '4' },
      { kind: 'status', status: 529 },
      { kind: 'status', status: 500 },
      { kind: 'status', status: 429, errorCode: 'enforced_spend_limit_reached' },
      { kind: 'status', status: 400, message: 'Your credit balance is too low to access the Anthropic API.' },
      { kind: 'blocked' },
    );
    const outcomes = [];
    for (let i = 0; i < 5; i += 1) outcomes.push(await provider.generate(call(model)).catch((e: unknown) => e));
    expect(outcomes).toMatchObject([
      { errorClass: 'rate-limited', status: 429, retryAfterMs: 4000 },
      { errorClass: 'overloaded', status: 529 },
      { errorClass: 'server-error', status: 500 },
      { errorClass: 'quota', status: 429 },
      { errorClass: 'quota', status: 400 },
    ]);
    expect(await provider.generate(call(model))).toMatchObject({ blocked: true });
    await expect(provider.generate(call('claude-3-5-sonnet-20241022'))).rejects.toMatchObject({
      errorClass: 'not-found',
      status: 404,
    });
    const wrongKey = createAnthropicProvider({ apiKey: 'sk-ant-wrong', baseUrl: fake.url });
    await expect(wrongKey.generate(call(model))).rejects.toMatchObject({ errorClass: 'auth', status: 401 });
    await expect(wrongKey.listModels(2000)).rejects.toMatchObject({ errorClass: 'auth' });
    // The SDK's own retries are off: one HTTP request per call.
    expect(fake.generateCalls(model)).toHaveLength(7);
  });

  test('a hanging model times out at the call deadline', async () => {
    fake.script('claude-haiku-4-5-20251001', { kind: 'hang' });
    await expect(provider.generate({ ...call('claude-haiku-4-5-20251001'), timeoutMs: 300 })).rejects.toMatchObject({
      errorClass: 'timeout',
    });
  });
});

describe('xAI (OpenAI-style chat completions)', () => {
  let fake: FakeOpenAiCompatible;
  let provider: ModelProvider;
  beforeEach(async () => {
    fake = await startFakeXai({ models: [{ id: 'grok-4-fast-non-reasoning' }, { id: 'grok-4' }] });
    provider = createOpenAiCompatibleProvider({ name: 'xai', apiKey: 'test-xai-key', baseUrl: fake.baseUrl });
  });
  afterEach(() => fake.stop());

  test('answers with response_format json_schema; reasoning tokens are billed as output', async () => {
    fake.script('grok-4', { kind: 'ok', answer: { verdict: 'fix' }, outputTokens: 20, reasoningTokens: 300 });
    expect(await provider.generate(call('grok-4'))).toEqual({
      text: '{"verdict":"fix"}',
      inputTokens: 100,
      outputTokens: 320,
      blocked: false,
    });
    const body = JSON.parse(fake.generateCalls()[0].body);
    expect(body).toMatchObject({
      model: 'grok-4',
      max_completion_tokens: 64,
      response_format: { type: 'json_schema', json_schema: { name: 'answer', schema: SCHEMA } },
    });
    expect(body.messages.map((m: { role: string }) => m.role)).toEqual(['system', 'user']);
    expect((await provider.listModels(2000)).map((m) => m.id)).toEqual(['grok-4-fast-non-reasoning', 'grok-4']);
  });

  test('classifies 429 with retry-after, 503, an unknown model, a content filter and xAI’s 400 for a wrong key', async () => {
    fake.script(
      'grok-4',
      { kind: 'status', status: 429, retryAfter: '2' },
      { kind: 'status', status: 503 },
      { kind: 'blocked' },
    );
    await expect(provider.generate(call('grok-4'))).rejects.toMatchObject({
      errorClass: 'rate-limited',
      retryAfterMs: 2000,
    });
    await expect(provider.generate(call('grok-4'))).rejects.toMatchObject({ errorClass: 'server-error', status: 503 });
    expect(await provider.generate(call('grok-4'))).toMatchObject({ blocked: true });
    await expect(provider.generate(call('grok-2'))).rejects.toMatchObject({ errorClass: 'not-found', status: 404 });
    const wrongKey = createOpenAiCompatibleProvider({ name: 'xai', apiKey: 'xai-wrong', baseUrl: fake.baseUrl });
    await expect(wrongKey.generate(call('grok-4'))).rejects.toMatchObject({ errorClass: 'auth', status: 400 });
    expect(fake.generateCalls('grok-4')).toHaveLength(4);
  });
});

test('a self-hosted OpenAI-compatible endpoint: OpenAI error shapes, reasoning inside completion_tokens', async () => {
  const fake = await startFakeOpenAiCompatible({ flavour: 'openai', models: [{ id: 'qwen3-32b' }] });
  try {
    const provider = createOpenAiCompatibleProvider({
      name: 'openai-compatible',
      apiKey: 'test-openai-key',
      baseUrl: fake.baseUrl,
    });
    fake.script(
      'qwen3-32b',
      { kind: 'ok', answer: { verdict: 'fix' }, outputTokens: 20, reasoningTokens: 30 },
      {
        kind: 'status',
        status: 429,
        errorType: 'insufficient_quota',
      },
    );
    expect(await provider.generate(call('qwen3-32b'))).toMatchObject({ outputTokens: 50 });
    expect(JSON.parse(fake.generateCalls()[0].body)).toMatchObject({ max_tokens: 64 });
    await expect(provider.generate(call('qwen3-32b'))).rejects.toMatchObject({ errorClass: 'quota' });
    await expect(provider.generate(call('llama-9'))).rejects.toMatchObject({ errorClass: 'not-found' });
    const wrongKey = createOpenAiCompatibleProvider({ name: 'openai-compatible', apiKey: 'x', baseUrl: fake.baseUrl });
    await expect(wrongKey.generate(call('qwen3-32b'))).rejects.toMatchObject({ errorClass: 'auth', status: 401 });
  } finally {
    await fake.stop();
  }
});

describe('Gemini', () => {
  let fake: FakeGemini;
  beforeEach(async () => {
    fake = await startFakeGemini({ models: [{ id: 'gemini-2.5-flash' }] });
  });
  afterEach(() => fake.stop());

  test('a safety block is a blocked answer; an empty one is no text; a wrong key is auth', async () => {
    const provider = createGeminiProvider({ apiKey: 'test-key', baseUrl: fake.url });
    fake.script('gemini-2.5-flash', { kind: 'blocked' }, { kind: 'empty' });
    expect(await provider.generate(call('gemini-2.5-flash'))).toMatchObject({ blocked: true });
    expect(await provider.generate(call('gemini-2.5-flash'))).toMatchObject({ blocked: false, text: '' });
    const wrongKey = createGeminiProvider({ apiKey: 'AIza-wrong', baseUrl: fake.url });
    await expect(wrongKey.generate(call('gemini-2.5-flash'))).rejects.toMatchObject({ errorClass: 'auth' });
    await expect(wrongKey.listModels(2000)).rejects.toMatchObject({ errorClass: 'auth' });
  });
});
