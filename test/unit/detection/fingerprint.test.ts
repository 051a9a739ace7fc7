import { fingerprint, hash64, normaliseLine, matchLine } from '../../../core/detection';

describe('fingerprint', () => {
  it('is 16 hex chars and deterministic', () => {
    const a = fingerprint({ code: 'R2', agent: 'rex', taskId: '1', line: 'connection refused' });
    expect(a).toMatch(/^[0-9a-f]{16}$/);
    expect(fingerprint({ code: 'R2', agent: 'rex', taskId: '1', line: 'connection refused' })).toBe(a);
    // A known value guards against accidental changes to the hash (incident ids depend on it).
    expect(hash64('abc')).not.toBe(hash64('abd'));
    expect(hash64('healer')).toBe('ad97cd5f2e9a66e9');
  });

  it('ignores volatile parts: timestamps, numbers, uuids, hex ids, temp paths, pod suffixes', () => {
    const lines = [
      '2026-11-22T04:01:02.123Z ERROR request 7f3a9c2e1b failed: dial tcp 10.0.0.12:5432: connect: connection refused (pod rex-7d9f8b6c4-x2k9p, trace 3fa85f64-5717-4562-b3fc-2c963f66afa6, /tmp/tmp.Xa81/work)',
      '2026-11-23T19:44:00.999Z ERROR request 0c1d2e3f4a failed: dial tcp 10.0.0.13:5432: connect: connection refused (pod rex-5b6c7d8e9-q7w3e, trace 9c858901-8a57-4791-81fe-4c455b099bc9, /tmp/tmp.Zq02/work)',
    ];
    expect(normaliseLine(lines[0])).toBe(normaliseLine(lines[1]));
    const fp = lines.map((l) => fingerprint({ code: 'R2', agent: 'rex', taskId: '12', line: l }));
    expect(fp[0]).toBe(fp[1]);
  });

  it('separates different failures, codes, agents and tasks', () => {
    const base = { code: 'R2', agent: 'rex', taskId: '12', line: 'connection refused to postgres' };
    const all = [
      fingerprint(base),
      fingerprint({ ...base, line: 'connection refused to redis' }),
      fingerprint({ ...base, code: 'R3' }),
      fingerprint({ ...base, agent: 'blaze' }),
      fingerprint({ ...base, taskId: '13' }),
    ];
    expect(new Set(all).size).toBe(all.length);
    // Agent names are case-insensitive.
    expect(fingerprint({ ...base, agent: 'Rex' })).toBe(all[0]);
  });

  it('gives 10,000 repeats of one failure a single fingerprint', () => {
    const fps = new Set<string>();
    for (let i = 0; i < 10_000; i++) {
      const d = matchLine(
        `2026-11-22T04:${String(i % 60).padStart(2, '0')}:00Z ERROR attempt ${i}: Error: connect ECONNREFUSED 127.0.0.1:${5000 + (i % 7)}`,
        {
          source: 'test',
          observedAt: 'x',
          agent: 'rex',
          taskId: '1',
        },
      );
      fps.add(d!.fingerprint);
    }
    expect(fps.size).toBe(1);
  });

  it('does not depend on secrets in the line (redacted before hashing)', () => {
    const ctx = { source: 'test' as const, observedAt: 'x', agent: 'rex' };
    const a = matchLine('HttpError: Bad credentials (token ghp_aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa)', ctx);
    const b = matchLine('HttpError: Bad credentials (token ghp_bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb)', ctx);
    expect(a!.fingerprint).toBe(b!.fingerprint);
  });
});
