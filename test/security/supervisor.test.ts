// `healer dev`'s supervisor can kill components: its control endpoint answers only under the random
// per-run token in the URL it hands out.
import { Supervisor } from '../../runtime/supervisor';

describe('the supervisor control endpoint', () => {
  const supervisor = new Supervisor(() => undefined);
  let url: string;

  beforeAll(async () => {
    url = await supervisor.listen(0);
  });
  afterAll(async () => {
    await supervisor.stopAll();
  });

  test('answers under its token, and 401 without it', async () => {
    const { origin, pathname } = new URL(url);
    expect(pathname).toMatch(/^\/[A-Za-z0-9_-]{32}$/);
    expect((await fetch(`${url}/components`)).status).toBe(200);
    for (const path of ['/components', '/x/components', `${pathname}x/components`, '/components/api/kill']) {
      const answer = await fetch(`${origin}${path}`, { method: path.endsWith('kill') ? 'POST' : 'GET' });
      expect(answer.status).toBe(401);
    }
  });

  test('each run has its own token', async () => {
    const other = new Supervisor(() => undefined);
    const otherUrl = await other.listen(0);
    try {
      expect(new URL(otherUrl).pathname).not.toBe(new URL(url).pathname);
    } finally {
      await other.stopAll();
    }
  });
});
