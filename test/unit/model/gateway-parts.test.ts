// The gateway's non-Temporal parts against the fake Gemini API through the real @google/genai client.
import { mkdtemp, readdir, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CallLog, readCallLog, type CallLogEntry } from '../../../activities/model/call-log';
import { ModelCatalog } from '../../../activities/model/discovery';
import { createGeminiProvider } from '../../../activities/model/gemini-provider';
import { ProviderError } from '../../../activities/model/provider';
import { AnswerValidator } from '../../../activities/model/validate';
import { loadConfig } from '../../../runtime/config';
import { startFakeGemini, type FakeGemini } from '../../fakes/gemini';

let fake: FakeGemini;
beforeEach(async () => {
  fake = await startFakeGemini({
    models: [{ id: 'gemini-2.5-pro' }, { id: 'gemini-2.5-flash' }, { id: 'gemini-3-flash-preview' }],
    defaultPageSize: 1,
  });
});
afterEach(() => fake.stop());

const call = { system: 's', prompt: 'p', responseSchema: { type: 'object' }, timeoutMs: 2000 };

test('the provider classifies 429 with Retry-After, 503 and 404', async () => {
  const provider = createGeminiProvider({ apiKey: 'test-key', baseUrl: fake.url });
  fake.script('gemini-2.5-pro', { kind: 'status', status: 429, retryAfter: '3' }, { kind: 'status', status: 503 });
  await expect(provider.generate({ ...call, model: 'gemini-2.5-pro' })).rejects.toMatchObject({
    errorClass: 'rate-limited',
    status: 429,
    retryAfterMs: 3000,
  });
  await expect(provider.generate({ ...call, model: 'gemini-2.5-pro' })).rejects.toMatchObject({
    errorClass: 'server-error',
    status: 503,
  });
  await expect(provider.generate({ ...call, model: 'gemini-1.0-pro' })).rejects.toMatchObject({
    errorClass: 'not-found',
    status: 404,
  });
  const error = await provider.generate({ ...call, model: 'gemini-1.0-pro' }).catch((e: ProviderError) => e);
  expect((error as ProviderError).message).not.toContain('ListModels'); // provider text never travels on
});

test('the catalog lists every page, caches for the refresh period and re-lists after invalidate()', async () => {
  let clock = 0;
  const reports: string[][] = [];
  const catalog = new ModelCatalog([createGeminiProvider({ apiKey: 'test-key', baseUrl: fake.url, pageSize: 1 })], {
    refreshMs: 1000,
    listTimeoutMs: 2000,
    override: [],
    now: () => clock,
    onChange: (report) => reports.push(report.chain.chain),
  });
  expect((await catalog.chain()).chain).toEqual([
    'gemini:gemini-2.5-flash',
    'gemini:gemini-2.5-pro',
    'gemini:gemini-3-flash-preview',
  ]);
  const lists = () => fake.requests.filter((q) => q.path === '/v1beta/models' && !q.query.pageToken).length;
  expect(fake.requests.map((q) => q.query.pageToken ?? '-')).toEqual(['-', '1', '2']);
  await catalog.chain();
  expect(lists()).toBe(1);
  fake.setModels([{ id: 'gemini-2.5-flash' }]);
  catalog.invalidate('gemini');
  expect((await catalog.chain()).chain).toEqual(['gemini:gemini-2.5-flash']);
  clock = 1000;
  await catalog.chain();
  expect(lists()).toBe(3);
  expect(reports).toEqual([
    ['gemini:gemini-2.5-flash', 'gemini:gemini-2.5-pro', 'gemini:gemini-3-flash-preview'],
    ['gemini:gemini-2.5-flash'],
  ]);
});

test('the validator accepts schema-valid JSON and names what is wrong otherwise', () => {
  const validator = new AnswerValidator();
  const schema = { type: 'object', properties: { n: { type: 'integer' } }, required: ['n'] };
  expect(validator.validate('{"n": 3}', schema)).toEqual({ ok: true, value: { n: 3 } });
  expect(validator.validate('```json\n{"n": 3}\n```', schema)).toEqual({ ok: true, value: { n: 3 } });
  expect(validator.validate('{"n": "3"}', schema)).toEqual({ ok: false, errorClass: 'schema-violation' });
  expect(validator.validate('{"n": 3', schema)).toEqual({ ok: false, errorClass: 'malformed-json' });
  expect(validator.validate('', schema)).toEqual({ ok: false, errorClass: 'empty-answer' });
  expect(validator.isValidSchema({ type: 'no-such-type' })).toBe(false);
});

test('the call log rotates by UTC day', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'calllog-'));
  const log = new CallLog(dir);
  const entry = (time: string): CallLogEntry => ({
    time,
    model: 'm',
    attempt: 1,
    activityAttempt: 1,
    purpose: 'evaluate',
    correlationId: 'c',
    latencyMs: 1,
    inputTokens: 1,
    outputTokens: 1,
    costUsd: 0,
    outcome: 'ok',
    next: 'done',
  });
  await log.append(entry('2026-03-04T23:59:59Z'));
  await log.append(entry('2026-03-05T00:00:01Z'));
  await log.append(entry('2026-03-05T10:00:00Z'));
  expect((await readdir(dir)).sort()).toEqual(['api_healer_20260304.jsonl', 'api_healer_20260305.jsonl']);
  expect((await readFile(join(dir, 'api_healer_20260305.jsonl'), 'utf8')).trim().split('\n')).toHaveLength(2);
  expect(await readCallLog(dir, [new Date('2026-03-04T12:00:00Z'), new Date('2026-03-05T12:00:00Z')])).toHaveLength(3);
});

test('configuration: providers, model lists checked at load, a price file under the inline prices', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'prices-'));
  const file = join(dir, 'prices.json');
  await writeFile(file, JSON.stringify({ 'openai-compatible:*': { inputPerMTok: 0.5, outputPerMTok: 1 } }));
  const config = loadConfig({
    HEALER_STATE_DIR: dir,
    ANTHROPIC_API_KEY: 'sk-ant',
    XAI_API_KEY: 'xai',
    OPENAI_COMPATIBLE_BASE_URL: 'http://127.0.0.1:8000/v1/',
    OPENAI_COMPATIBLE_MODELS: 'qwen3-32b, llama3.3',
    HEALER_PROVIDERS: 'grok, claude',
    HEALER_FALLBACK_MODELS: 'gemini-3-0-pro,gemini-2-0-flash,gemini-1-5-pro',
    HEALER_REMEDIATION_MODELS: 'anthropic:claude-sonnet-4-5',
    HEALER_MODEL_PRICES_FILE: file,
    HEALER_MODEL_PRICES: '{"grok-4": {"inputPerMTok": 9, "outputPerMTok": 9}}',
  }).modelGateway;
  expect(config.providers).toMatchObject({
    anthropic: { apiKey: 'sk-ant' },
    xai: { apiKey: 'xai' },
    'openai-compatible': { baseUrl: 'http://127.0.0.1:8000/v1', models: ['qwen3-32b', 'llama3.3'] },
  });
  expect(config.providerOrder).toEqual(['xai', 'anthropic']);
  expect(config.fallbackModels).toEqual(['gemini-3-0-pro', 'gemini-2-0-flash', 'gemini-1-5-pro']);
  expect(config.roleModels).toEqual({ evaluate: [], remediate: ['anthropic:claude-sonnet-4-5'] });
  expect(config.prices['openai-compatible:*']).toEqual({ inputPerMTok: 0.5, outputPerMTok: 1 });
  expect(config.prices['grok-4']).toEqual({ inputPerMTok: 9, outputPerMTok: 9 });
  expect(config.retry).toMatchObject({ attemptsPerModel: 4, backoffBaseMs: 1000 });

  expect(() => loadConfig({ HEALER_FALLBACK_MODELS: 'gemini-2.5-pro,llama3' })).toThrow(
    'configuration HEALER_FALLBACK_MODELS: expected provider:model or a gemini-*/claude-*/grok-* id; "llama3"',
  );
  expect(() => loadConfig({ HEALER_PROVIDERS: 'gemini,mistral' })).toThrow('HEALER_PROVIDERS');
  expect(() => loadConfig({ OPENAI_COMPATIBLE_API_KEY: 'k' })).toThrow('OPENAI_COMPATIBLE_BASE_URL');
  expect(() => loadConfig({ HEALER_MODEL_PRICES_FILE: join(dir, 'missing.json') })).toThrow('HEALER_MODEL_PRICES_FILE');
  await writeFile(file, '{"x": {"inputPerMTok": "free"}}');
  expect(() => loadConfig({ HEALER_MODEL_PRICES_FILE: file })).toThrow('HEALER_MODEL_PRICES_FILE.x');
});
