import { detectPushedLines } from '../../../scanner/pipeline';

describe('detectPushedLines (HTTP push route)', () => {
  it('scans pushed lines with the push labels and groups the detections by target session', () => {
    const lines = [
      'INFO starting',
      'Error: connect ECONNREFUSED 127.0.0.1:5432',
      'INFO retry on "connection refused"',
      "thread 'main' panicked at src/x.rs:10:5:",
    ];
    const out = detectPushedLines(
      lines,
      { agent: 'Rex', task_id: '12', pod: 'rex-abc' },
      { playId: '42', observedAt: '2026-11-22T05:00:00.000Z' },
    );
    expect(out).toHaveLength(1);
    expect(out[0].target).toEqual({ workflowId: 'play-42', kind: 'session', playId: '42', namespace: 'cto' });
    expect(out[0].detections.map((d) => [d.code, d.lineNumber, d.agent, d.taskId, d.pod, d.source])).toEqual([
      ['R2', 2, 'rex', '12', 'rex-abc', 'http'],
      ['R1', 4, 'rex', '12', 'rex-abc', 'http'],
    ]);
  });

  it('returns nothing for clean lines and routes lines without a play id to the platform session', () => {
    expect(detectPushedLines(['INFO ok', 'Found 0 errors.'], {}, { playId: '42', observedAt: 'x' })).toEqual([]);
    const inventory = detectPushedLines(
      ['INFO tool inventory: [read_file, brave_search]'],
      { agent: 'rex' },
      { playId: '42', observedAt: 'x' },
    );
    expect(inventory).toEqual([
      {
        target: expect.objectContaining({ workflowId: 'play-42' }),
        detections: [],
        toolInventories: [{ agent: 'rex', tools: ['brave_search', 'read_file'] }],
      },
    ]);
    const out = detectPushedLines(['HttpError: Bad credentials'], { namespace: 'dev' }, { observedAt: 'x' });
    expect(out[0].target.workflowId).toBe('platform-dev');
  });
});
