// The one logger (runtime/logger.ts): JSON lines with `component` (and the ids a line is about), pretty
// lines for `healer dev`, the Temporal runtime's logs through it, and the level from the configuration.
import { Writable } from 'node:stream';
import { createLogger, componentLogger, idsOf, TemporalLogger } from '../../runtime/logger';
import { loadConfig } from '../../runtime/config';

function capture(): { stream: Writable; lines: () => string[] } {
  const chunks: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      chunks.push(chunk.toString('utf8'));
      done();
    },
  });
  return { stream, lines: () => chunks.join('').split('\n').filter(Boolean) };
}

test('JSON lines carry the component, the level and the message; secrets under known keys are redacted', () => {
  const out = capture();
  const logger = createLogger({ component: 'scanner', destination: out.stream });
  logger.info({ token: 'ghp_secret', lines: 3 }, 'scanned');
  const [line] = out.lines().map((l) => JSON.parse(l));
  expect(line).toMatchObject({ component: 'scanner', level: 30, msg: 'scanned', lines: 3, token: '[Redacted]' });
  expect(JSON.stringify(line)).not.toContain('ghp_secret');
});

test('the Temporal runtime logger adds workflowId and, read from it, incidentId or playId', () => {
  const out = capture();
  const temporal = new TemporalLogger(createLogger({ component: 'worker', level: 'debug', destination: out.stream }));
  temporal.warn('activity failed', { workflowId: 'incident-demo-1-ab12', activityType: 'createIssue' });
  temporal.info('session continued', { workflowId: 'play-demo-1', sdkComponent: 'workflow' });
  temporal.debug('poll', { sdkComponent: 'worker' });
  temporal.trace('not shown at debug');
  const [incident, session, poll, ...rest] = out.lines().map((l) => JSON.parse(l));
  expect(incident).toMatchObject({
    component: 'worker',
    level: 40,
    msg: 'activity failed',
    workflowId: 'incident-demo-1-ab12',
    incidentId: 'incident-demo-1-ab12',
    activityType: 'createIssue',
  });
  expect(session).toMatchObject({ level: 30, workflowId: 'play-demo-1', playId: 'demo-1' });
  expect(poll).toMatchObject({ level: 20, sdkComponent: 'worker' });
  expect(rest).toEqual([]);
  expect(idsOf({ workflowId: 'watchdog-cto' })).toEqual({ workflowId: 'watchdog-cto' });
});

test('pretty lines for people: the component and message readable, no JSON', () => {
  const out = capture();
  createLogger({ component: 'api', format: 'pretty', destination: out.stream }).info('API listening on http://x');
  const [line] = out.lines();
  expect(line).toMatch(/INFO.*api: API listening on http:\/\/x$/);
  expect(() => JSON.parse(line)).toThrow();
});

test('the configuration chooses level and format (HEALER_LOG_LEVEL, HEALER_LOG_FORMAT); a bad format names the key', () => {
  const config = loadConfig({ HEALER_LOG_LEVEL: 'warn', HEALER_LOG_FORMAT: 'json' });
  expect(config).toMatchObject({ logLevel: 'warn', logFormat: 'json', tracing: {} });
  const out = capture();
  const logger = componentLogger(config, 'llm-worker', out.stream);
  logger.info('hidden');
  logger.warn('shown');
  expect(out.lines().map((l) => JSON.parse(l).msg)).toEqual(['shown']);
  expect(loadConfig({}).logFormat).toBe('json');
  expect(() => loadConfig({ HEALER_LOG_FORMAT: 'xml' })).toThrow(/HEALER_LOG_FORMAT/);
  expect(loadConfig({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318' }).tracing).toEqual({
    otlpEndpoint: 'http://collector:4318',
  });
});
