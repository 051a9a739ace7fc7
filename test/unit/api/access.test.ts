// API tokens: parsing the configuration, matching presented tokens, and which scope a route needs.
import { loadConfig } from '../../../runtime/config';
import { parseTokenEntries } from '../../../runtime/config/api-access';
import { TokenMatcher, routeAccess } from '../../../api/auth';

const SECRET = 'tok-0123456789abcdef';

describe('API tokens in the configuration', () => {
  test('HEALER_API_TOKEN has every scope; HEALER_API_TOKENS adds named, scoped tokens', () => {
    const config = loadConfig({
      HEALER_API_TOKEN: 'legacy-token',
      HEALER_API_TOKENS: `scanner:write:${SECRET}; ops:read,admin:a:b:c`,
    });
    expect(config.api.tokens).toEqual([
      { name: 'default', token: 'legacy-token', scopes: ['read', 'write', 'admin'] },
      { name: 'scanner', token: SECRET, scopes: ['write'] },
      { name: 'ops', token: 'a:b:c', scopes: ['read', 'admin'] },
    ]);
    expect(config.api.rateLimit).toEqual({ windowMs: 60_000, max: 1200, logsMax: 12_000 });
  });

  test.each([
    [SECRET, /entry 1: name:scope,scope:token$/],
    [`${SECRET}:sudo:x`, /entry 1: scopes from/],
    [`x:superuser:${SECRET}`, /entry 1: scopes from read, write, admin/],
    ['x:read:', /entry 1: a token/],
    [`x:read:${SECRET};x:write:other-token`, /unique token names/],
    [`x:read:${SECRET};y:write:${SECRET}`, /a different token for every name/],
  ])('%s is refused, naming the key and never the token', (value, message) => {
    let error: Error | undefined;
    try {
      loadConfig({ HEALER_API_TOKENS: value });
    } catch (e) {
      error = e as Error;
    }
    expect(error?.message).toMatch(/HEALER_API_TOKENS/);
    expect(error?.message).toMatch(message);
    expect(error?.message).not.toContain(SECRET);
  });

  test('a token file holds one entry per line, with comments', () => {
    expect(
      parseTokenEntries(`# ops team\nops:read:${SECRET}\n\nci:write:other-token\n`, 'F').map((t) => t.name),
    ).toEqual(['ops', 'ci']);
  });

  test('rate limits are configurable, 0 turning one off', () => {
    const { rateLimit } = loadConfig({
      HEALER_API_RATE_LIMIT: '0',
      HEALER_API_RATE_LIMIT_LOGS: '50',
      HEALER_API_RATE_LIMIT_WINDOW_MS: '1000',
    }).api;
    expect(rateLimit).toEqual({ windowMs: 1000, max: 0, logsMax: 50 });
    expect(() => loadConfig({ HEALER_API_RATE_LIMIT: '-1' })).toThrow(/HEALER_API_RATE_LIMIT/);
  });
});

describe('TokenMatcher', () => {
  const matcher = new TokenMatcher([
    { name: 'a', token: SECRET, scopes: ['read'] },
    { name: 'b', token: 'other-token', scopes: ['write'] },
  ]);
  test.each([
    [`Bearer ${SECRET}`, 'a'],
    [`bearer   other-token`, 'b'],
    [`Bearer ${SECRET}x`, undefined],
    [`Bearer ${SECRET.slice(0, -1)}`, undefined],
    [SECRET, undefined],
    ['Basic abc', undefined],
    [undefined, undefined],
  ])('%j → %s', (header, name) => {
    expect(matcher.match(header)?.name).toBe(name);
  });
});

test.each([
  ['GET', '/health', 'public'],
  ['GET', '/metrics', 'metrics'],
  ['GET', '/api/v1/sessions', 'read'],
  ['HEAD', '/api/v1/session/:play_id', 'read'],
  ['GET', undefined, 'read'],
  ['POST', '/api/v1/session/start', 'write'],
  ['POST', '/api/v1/session/:play_id/logs', 'write'],
  ['POST', '/api/v1/incidents/:id/approve', 'admin'],
  ['GET', '/api/v1/watchdog', 'admin'],
  ['POST', '/mcp', 'read'],
] as const)('%s %s needs %s', (method, route, access) => {
  expect(routeAccess(method, route)).toBe(access);
});
