// GET /api/v1/sessions and MCP list_sessions come in pages (limit, cursor from Temporal's nextPageToken).
import { samplePayload } from '../support/sessions';
import { eventually, uniqueId, uniqueTaskQueue } from '../support/temporal';
import { TOKENS, bearer, callTool, request, startSecuredApi, type SecuredApi } from './harness';

const auth = bearer(TOKENS.all);

describe('session list paging', () => {
  let api: SecuredApi;
  const started: string[] = [];

  beforeAll(async () => {
    api = await startSecuredApi(uniqueTaskQueue('page'));
    for (let i = 0; i < 5; i += 1) {
      const playId = uniqueId(`page${i}`);
      expect((await request(`${api.url}/api/v1/session/start`, 'POST', samplePayload(playId), auth)).status).toBe(201);
      started.push(playId);
    }
  });
  afterAll(async () => {
    await api.close();
  });

  test('pages of `limit` follow one another through nextCursor, without repeats', async () => {
    // Visibility is eventually consistent: wait until the newest session is listed.
    await eventually(
      () => request(`${api.url}/api/v1/sessions?limit=5`, 'GET', undefined, auth),
      (a) => a.body.sessions?.some((s: { playId: string }) => s.playId === started[4]),
    );
    // Active sessions only: other tests end sessions meanwhile, and a session that closes moves in the
    // full list's order (Temporal lists closed runs by close time), so a page could show it twice.
    const seen: string[] = [];
    let cursor: string | undefined;
    for (let page = 0; page < 100; page += 1) {
      const answer = await request(
        `${api.url}/api/v1/sessions/active?limit=2${cursor ? `&cursor=${cursor}` : ''}`,
        'GET',
        undefined,
        auth,
      );
      expect(answer.status).toBe(200);
      expect(answer.body.count).toBe(answer.body.sessions.length);
      expect(answer.body.sessions.length).toBeLessThanOrEqual(2);
      seen.push(...answer.body.sessions.map((s: { workflowId: string }) => s.workflowId));
      cursor = answer.body.nextCursor;
      if (cursor === undefined) break;
    }
    expect(cursor).toBeUndefined(); // the last page says so
    expect(new Set(seen).size).toBe(seen.length);
    expect(seen).toEqual(expect.arrayContaining(started.map((playId) => `play-${playId}`)));
  });

  test('the default page is 100 at most; limit past 1,000 is a 400', async () => {
    const page = await request(`${api.url}/api/v1/sessions/active`, 'GET', undefined, auth);
    expect(page.status).toBe(200);
    expect(page.body.sessions.length).toBeLessThanOrEqual(100);
    const tooMany = await request(`${api.url}/api/v1/sessions?limit=1001`, 'GET', undefined, auth);
    expect(tooMany.status).toBe(400);
    expect(tooMany.body.field).toBe('limit');
  });

  test('MCP list_sessions pages the same way', async () => {
    const first = JSON.parse(
      (await callTool(api.url, TOKENS.all, 'list_sessions', { active_only: true, limit: 1 })).text,
    );
    expect(first.sessions).toHaveLength(1);
    const second = JSON.parse(
      (await callTool(api.url, TOKENS.all, 'list_sessions', { active_only: true, limit: 1, cursor: first.nextCursor }))
        .text,
    );
    expect(second.sessions).toHaveLength(1);
    expect(second.sessions[0].workflowId).not.toBe(first.sessions[0].workflowId);
  });
});
