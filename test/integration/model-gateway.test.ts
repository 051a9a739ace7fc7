// The model gateway end to end: a workflow schedules generateStructured on a real dev server, the real
// @google/genai client talks to the fake Gemini API.
import { backoffScheduleMs } from '../../core/model/retry';
import { closeTestConnections } from '../support/temporal';
import { GOOD_ANSWER, rigsPerTest } from './model-support';

const rig = rigsPerTest();
afterAll(closeTestConnections);

const MODELS = [
  { id: 'gemini-2.5-pro' },
  { id: 'gemini-2.5-flash' },
  { id: 'gemini-2.0-flash' },
  { id: 'gemini-3-pro-preview' },
];

test('without any provider key the gateway answers no-key at once and calls nothing', async () => {
  const r = await rig({ apiKey: null });
  const result = await r.call();
  expect(result).toMatchObject({ ok: false, reason: 'no-key' });
  expect(r.fake.requests).toHaveLength(0);
});

test('discovers the chain (paginated list) and answers with a validated object, usage and cost', async () => {
  const r = await rig({
    fake: { models: [...MODELS, { id: 'text-embedding-004', methods: ['embedContent'] }], defaultPageSize: 2 },
    config: { discoveryPageSize: 2 },
  });
  const result = await r.call();
  expect(result).toEqual({
    ok: true,
    value: GOOD_ANSWER,
    model: 'gemini-2.5-flash',
    provider: 'gemini',
    attempts: 1,
    inputTokens: 100,
    outputTokens: 20,
    costUsd: 0.00008,
  });
  const listCalls = r.fake.requests.filter((q) => q.path === '/v1beta/models');
  expect(listCalls.map((q) => q.query.pageToken ?? null)).toEqual([null, '2', '4']);
  // The schema went to the API as structured output.
  const body = JSON.parse(r.fake.generateCalls()[0].body);
  expect(body.generationConfig.responseMimeType).toBe('application/json');
  expect(body.generationConfig.responseJsonSchema.required).toEqual(['verdict', 'confidence']);
});

test('a retired primary (404) hands over to the next model at once, without retries', async () => {
  const r = await rig({
    fake: { models: MODELS },
    config: { fallbackModels: ['gemini-1.5-pro', 'gemini-2.5-pro', 'gemini-2.5-flash'] },
  });
  r.fake.script('gemini-2.5-pro', { kind: 'status', status: 404 });
  const result = await r.call();
  expect(result).toMatchObject({ ok: true, model: 'gemini-2.5-flash', attempts: 2 });
  expect(r.fake.generateCalls().map((q) => q.model)).toEqual(['gemini-2.5-pro', 'gemini-2.5-flash']);
  const log = await r.log();
  expect(log.map((e) => [e.model, e.outcome, e.errorClass ?? null, e.next])).toEqual([
    ['gemini-1.5-pro', 'skipped', 'not-listed', 'next-model'], // named by the override, not listed: skipped and reported
    ['gemini-2.5-pro', 'error', 'not-found', 'next-model'],
    ['gemini-2.5-flash', 'ok', null, 'done'],
  ]);
  // Same activity attempt: nobody waited.
  expect(new Set(log.map((e) => e.activityAttempt))).toEqual(new Set([1]));
});

test('retryable failures back off 1 s, 2 s then 4 s on the primary, then the next model is tried at once', async () => {
  const r = await rig({ fake: { models: MODELS }, config: { fallbackModels: ['gemini-2.5-pro', 'gemini-2.5-flash'] } });
  r.fake.script(
    'gemini-2.5-pro',
    { kind: 'status', status: 503 },
    { kind: 'status', status: 429 },
    { kind: 'status', status: 500 },
    { kind: 'status', status: 503 },
  );
  const result = await r.call();
  expect(result).toMatchObject({ ok: true, model: 'gemini-2.5-flash', provider: 'gemini', attempts: 5 });

  const expected = backoffScheduleMs(r.config.retry);
  expect(expected).toEqual([1000, 2000, 4000]);
  const log = await r.log();
  expect(log.map((e) => [e.model, e.attempt, e.errorClass ?? null, e.next, e.retryInMs ?? null])).toEqual([
    ['gemini-2.5-pro', 1, 'server-error', 'retry', 1000],
    ['gemini-2.5-pro', 2, 'rate-limited', 'retry', 2000],
    ['gemini-2.5-pro', 3, 'server-error', 'retry', 4000],
    ['gemini-2.5-pro', 4, 'server-error', 'next-model', null], // no sleep after the last attempt
    ['gemini-2.5-flash', 1, null, 'done', null],
  ]);
  // Temporal did the waiting: each retry is a new activity attempt, spaced at least by the backoff
  // (the server's retry timers have ~1 s granularity and were seen firing ~0.1 s early, hence the slack;
  // nothing bounds them from above here).
  const times = r.fake.generateCalls('gemini-2.5-pro').map((q) => q.atMs);
  expect(times[1] - times[0]).toBeGreaterThanOrEqual(expected[0] * 0.7);
  expect(times[2] - times[1]).toBeGreaterThanOrEqual(expected[1] * 0.7);
  expect(times[3] - times[2]).toBeGreaterThanOrEqual(expected[2] * 0.7);
  expect(log.map((e) => e.activityAttempt)).toEqual([1, 2, 3, 4, 4]);
});

test('Retry-After within the cap is honoured; beyond the cap the next model is tried at once', async () => {
  const r = await rig({
    fake: { models: MODELS },
    config: {
      fallbackModels: ['gemini-2.5-pro', 'gemini-2.5-flash'],
      retry: { attemptsPerModel: 3, timeoutAttemptsPerModel: 2, backoffBaseMs: 200, retryAfterCapMs: 5000 },
    },
  });
  r.fake.script(
    'gemini-2.5-pro',
    { kind: 'status', status: 429, retryAfter: '2' },
    { kind: 'status', status: 429, retryDelay: '30s' },
  );
  const result = await r.call();
  expect(result).toMatchObject({ ok: true, model: 'gemini-2.5-flash' });
  const log = await r.log();
  expect(log.map((e) => [e.model, e.next, e.retryInMs ?? null])).toEqual([
    ['gemini-2.5-pro', 'retry', 2000], // Retry-After: 2 beats the 200 ms backoff
    ['gemini-2.5-pro', 'next-model', null], // RetryInfo 30 s is past the 5 s cap
    ['gemini-2.5-flash', 'done', null],
  ]);
  const times = r.fake.generateCalls('gemini-2.5-pro').map((q) => q.atMs);
  expect(times[1] - times[0]).toBeGreaterThanOrEqual(2000 * 0.7);
});

test('other 4xx are not retried; a bad key skips the rest of its provider', async () => {
  const r = await rig({ fake: { models: MODELS }, config: { fallbackModels: ['gemini-2.5-pro', 'gemini-2.5-flash'] } });
  r.fake.script('gemini-2.5-pro', { kind: 'status', status: 400 });
  expect(await r.call()).toMatchObject({ ok: true, model: 'gemini-2.5-flash', attempts: 2 });
  expect(r.fake.generateCalls('gemini-2.5-pro')).toHaveLength(1);

  const bad = await rig({
    fake: { models: MODELS },
    apiKey: 'wrong-key',
    config: { fallbackModels: ['gemini-2.5-pro', 'gemini-2.5-flash'] },
  });
  const result = await bad.call();
  expect(result).toMatchObject({ ok: false, reason: 'exhausted' });
  expect(bad.fake.generateCalls()).toHaveLength(1);
  expect((await bad.log()).map((e) => e.errorClass)).toEqual(['auth', 'provider-failed']);
});

test('malformed and schema-violating answers are failed attempts and never reach the caller', async () => {
  const r = await rig({
    fake: { models: MODELS },
    config: {
      fallbackModels: ['gemini-2.5-flash', 'gemini-2.5-pro'],
      retry: { attemptsPerModel: 3, timeoutAttemptsPerModel: 2, backoffBaseMs: 100, retryAfterCapMs: 1000 },
    },
  });
  r.fake.script(
    'gemini-2.5-flash',
    { kind: 'text', text: '{"verdict": "fix", "confid' },
    { kind: 'ok', answer: { verdict: 'maybe', confidence: 2 } },
    { kind: 'blocked' },
  );
  r.fake.script('gemini-2.5-pro', { kind: 'ok', answer: { verdict: 'ignore', confidence: 0.4 } });
  const result = await r.call();
  expect(result).toMatchObject({
    ok: true,
    value: { verdict: 'ignore', confidence: 0.4 },
    model: 'gemini-2.5-pro',
    attempts: 4,
  });
  expect((await r.log()).map((e) => e.errorClass ?? 'ok')).toEqual([
    'malformed-json',
    'schema-violation',
    'content-filtered', // a safety block is not retried on the same model
    'ok',
  ]);

  // When every model answers nonsense the caller gets a reason, not the nonsense.
  r.fake.script('gemini-2.5-pro', { kind: 'text', text: 'I think you should fix it.' });
  r.fake.script('gemini-2.5-flash', { kind: 'text', text: 'not json' });
  const failed = await r.call();
  expect(failed).toMatchObject({ ok: false, reason: 'exhausted' });
  expect(JSON.stringify(failed)).not.toContain('fix it');
});

test('a slow model times out per call: retried once, then the next model', async () => {
  const r = await rig({
    fake: { models: MODELS },
    config: {
      fallbackModels: ['gemini-2.5-pro', 'gemini-2.5-flash'],
      callTimeoutMs: 1500,
      retry: { attemptsPerModel: 4, timeoutAttemptsPerModel: 2, backoffBaseMs: 100, retryAfterCapMs: 1000 },
    },
  });
  r.fake.script('gemini-2.5-pro', { kind: 'hang' });
  const result = await r.call();
  expect(result).toMatchObject({ ok: true, model: 'gemini-2.5-flash' });
  expect((await r.log()).map((e) => [e.model, e.errorClass ?? null])).toEqual([
    ['gemini-2.5-pro', 'timeout'],
    ['gemini-2.5-pro', 'timeout'],
    ['gemini-2.5-flash', null],
  ]);
});

test('the call log carries metadata only: no prompt text, no key, no provider error text', async () => {
  const secret = 'ghp_PLANTEDsecret1234567890abcdefABCDEF';
  const r = await rig({
    fake: { models: MODELS, apiKey: 'AIzaPLANTEDkey' },
    apiKey: 'AIzaPLANTEDkey',
    config: { fallbackModels: ['gemini-2.5-pro', 'gemini-2.5-flash'] },
  });
  r.fake.script('gemini-2.5-pro', { kind: 'status', status: 400, echoPrompt: true });
  const result = await r.call({
    prompt: `stack trace mentions ${secret} in the tools server`,
    system: 'SYSTEM-PROMPT-MARKER',
  });
  expect(result).toMatchObject({ ok: true });
  // The fake did receive the prompt (and echoed it in its error)…
  expect(r.fake.generateCalls('gemini-2.5-pro')[0].body).toContain(secret);
  // …but none of it reaches our log.
  const { readFile, readdir } = await import('node:fs/promises');
  const files = await readdir(r.logDir);
  expect(files).toEqual([expect.stringMatching(/^api_healer_\d{8}\.jsonl$/)]);
  const text = await readFile(`${r.logDir}/${files[0]}`, 'utf8');
  expect(text.trim().split('\n')).toHaveLength(2);
  for (const forbidden of [secret, 'PLANTED', 'SYSTEM-PROMPT-MARKER', 'tools server', 'while processing'])
    expect(text).not.toContain(forbidden);
});

test('the chain deadline bounds every wait: no backoff is started that would overrun it', async () => {
  const r = await rig({
    fake: { models: MODELS },
    config: { fallbackModels: ['gemini-2.5-pro', 'gemini-2.5-flash'], chainDeadlineMs: 1800 },
  });
  r.fake.script('gemini-2.5-pro', { kind: 'status', status: 503 });
  r.fake.script('gemini-2.5-flash', { kind: 'status', status: 503 });
  const result = await r.call();
  expect(result).toMatchObject({ ok: false, reason: 'exhausted' });
  const log = await r.log();
  expect(log[0]).toMatchObject({ model: 'gemini-2.5-pro', next: 'retry', retryInMs: 1000 });
  // After the first 1 s wait, the 2 s one would pass the 1.8 s deadline: nothing else waits.
  expect(log.slice(1).every((e) => e.next !== 'retry')).toBe(true);
  expect(r.fake.generateCalls('gemini-2.5-pro')).toHaveLength(2);
});
