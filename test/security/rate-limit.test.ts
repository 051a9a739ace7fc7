// Per-token rate limits with 429 and Retry-After; log pushes count apart; /health is never limited.
import { uniqueId, uniqueTaskQueue } from '../support/temporal';
import { TOKENS, bearer, request, startSecuredApi, type SecuredApi } from './harness';

describe('rate limits', () => {
  let api: SecuredApi;
  beforeAll(async () => {
    api = await startSecuredApi(uniqueTaskQueue('rate'), {
      HEALER_API_RATE_LIMIT: '5',
      HEALER_API_RATE_LIMIT_LOGS: '3',
      HEALER_API_RATE_LIMIT_WINDOW_MS: '60000',
    });
  });
  afterAll(async () => {
    await api.close();
  });

  test('a token past its allowance gets 429 with Retry-After; other tokens and /health are not affected', async () => {
    const reads = [];
    for (let i = 0; i < 6; i += 1)
      reads.push(await request(`${api.url}/api/v1/sessions?limit=1`, 'GET', undefined, bearer(TOKENS.read)));
    expect(reads.slice(0, 5).map((r) => r.status)).toEqual([200, 200, 200, 200, 200]);
    expect(reads[5].status).toBe(429);
    expect(Number(reads[5].headers.get('retry-after'))).toBeGreaterThan(0);
    expect(reads[5].body).toMatchObject({ error: 'rate_limited' });

    expect((await request(`${api.url}/api/v1/sessions?limit=1`, 'GET', undefined, bearer(TOKENS.all))).status).toBe(
      200,
    );
    for (let i = 0; i < 10; i += 1) expect((await request(`${api.url}/health`, 'GET')).status).toBe(200);
  });

  test('log pushes have their own allowance', async () => {
    const ghost = uniqueId('ghost');
    const pushes = [];
    for (let i = 0; i < 4; i += 1)
      pushes.push(
        await request(`${api.url}/api/v1/session/${ghost}/logs`, 'POST', { lines: ['x'] }, bearer(TOKENS.write)),
      );
    expect(pushes.map((p) => p.status)).toEqual([404, 404, 404, 429]);
    // The writer's other writes still have their allowance.
    expect((await request(`${api.url}/api/v1/session/start`, 'POST', {}, bearer(TOKENS.write))).status).toBe(400);
  });
});
