import { mkdtempSync, readFileSync, writeFileSync, appendFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AuditLog, createAuditActivities, sha256Hex } from '../../../activities/watchdog/audit';
import { runAuditCommand } from '../../../cli/audit';
import {
  canonicalJson,
  chainEntry,
  GENESIS_HASH,
  verifyChain,
  type AuditInput,
} from '../../../core/watchdog/audit/entry';
import type { StepContext } from '../../../core/watchdog/playbook/types';

const input = (key: string, extra: Partial<AuditInput> = {}): AuditInput => ({
  key,
  actor: 'watchdog',
  action: 'restart_component',
  target: 'scanner',
  result: 'succeeded',
  playbookRun: 'run-1',
  ...extra,
});

function captureIo() {
  const out: string[] = [];
  const err: string[] = [];
  return {
    io: { stdout: { write: (t: string) => out.push(t) }, stderr: { write: (t: string) => err.push(t) } },
    out,
    err,
  };
}

const tempLog = (): string => join(mkdtempSync(join(tmpdir(), 'healer-audit-')), 'audit.jsonl');

describe('canonical JSON and the chain (pure)', () => {
  it('sorts keys at every level and drops undefined, so equal content hashes equally', () => {
    expect(canonicalJson({ b: 1, a: { d: [1, { z: 1, y: 2 }], c: undefined } })).toBe(
      '{"a":{"d":[1,{"y":2,"z":1}]},"b":1}',
    );
  });

  it('links each entry to the previous hash, starting from the genesis hash', () => {
    const first = chainEntry(input('k1'), undefined, '2026-01-01T00:00:00.000Z', sha256Hex);
    const second = chainEntry(input('k2'), first, '2026-01-01T00:00:01.000Z', sha256Hex);
    expect(first).toMatchObject({ seq: 1, prevHash: GENESIS_HASH });
    expect(second).toMatchObject({ seq: 2, prevHash: first.hash });
    expect(verifyChain([JSON.stringify(first), JSON.stringify(second)], sha256Hex)).toEqual({
      ok: true,
      entries: 2,
      lastHash: second.hash,
    });
  });

  it('names the first edited, removed or reordered entry', () => {
    const entries = [1, 2, 3].map((n) => input(`k${n}`));
    const chain = entries.reduce<ReturnType<typeof chainEntry>[]>(
      (acc, e, i) => [...acc, chainEntry(e, acc[i - 1], 't', sha256Hex)],
      [],
    );
    const lines = chain.map((e) => JSON.stringify(e));

    const edited = [...lines];
    edited[1] = edited[1].replace('"succeeded"', '"failed"');
    expect(verifyChain(edited, sha256Hex)).toMatchObject({
      ok: false,
      line: 2,
      seq: 2,
      reason: expect.stringMatching(/edited/),
    });

    expect(verifyChain([lines[0], lines[2]], sha256Hex)).toMatchObject({
      ok: false,
      line: 2,
      reason: expect.stringMatching(/removed or reordered/),
    });

    // A forged entry with a correct own hash still breaks the link to its predecessor.
    const forged = chainEntry(input('k2', { result: 'failed' }), { ...chain[0], hash: 'f'.repeat(64) }, 't', sha256Hex);
    expect(verifyChain([lines[0], JSON.stringify(forged), lines[2]], sha256Hex)).toMatchObject({
      ok: false,
      line: 2,
      reason: expect.stringMatching(/prevHash/),
    });

    expect(verifyChain([lines[0], '{not json'], sha256Hex)).toMatchObject({
      ok: false,
      line: 2,
      reason: 'not valid JSON',
    });
  });
});

describe('AuditLog (file)', () => {
  it('appends exactly once per key even when the same action is retried or raced', async () => {
    const log = new AuditLog(tempLog());
    const [a, b] = await Promise.all([log.append(input('run-1/restart')), log.append(input('run-1/restart'))]);
    const c = await log.append(input('run-1/restart'));
    await log.append(input('run-1/verify', { action: 'verify_healthy' }));
    expect(a.seq).toBe(1);
    expect(b).toEqual(a);
    expect(c).toEqual(a);
    const lines = readFileSync(log.path, 'utf8').trim().split('\n');
    expect(lines).toHaveLength(2);
    expect(verifyChain(lines, sha256Hex)).toMatchObject({ ok: true, entries: 2 });
  });

  it('drops a line cut short by a crash and continues the chain', async () => {
    const log = new AuditLog(tempLog());
    await log.append(input('k1'));
    appendFileSync(log.path, '{"seq":2,"half');
    await log.append(input('k2'));
    const lines = readFileSync(log.path, 'utf8').trim().split('\n');
    expect(lines).toHaveLength(2);
    expect(verifyChain(lines, sha256Hex).ok).toBe(true);
  });

  it('records the playbook summary with the recovery time since detection', async () => {
    const log = new AuditLog(tempLog());
    const { recordPlaybookAudit } = createAuditActivities({ log });
    const context: StepContext = {
      playbook: 'healer_mutual_restart',
      run: 'pb-1',
      stepId: 'audit',
      namespace: 'cto',
      watchdogWorkflowId: 'watchdog-cto',
      key: 'pb-1/audit',
      runStartedAt: '2026-01-01T00:00:05.000Z',
      triggeredAt: '2026-01-01T00:00:00.000Z',
      now: '2026-01-01T00:00:42.000Z',
      sloExceeded: false,
      steps: [{ stepId: 'restart_failed', status: 'succeeded' }],
    };
    await recordPlaybookAudit({
      params: { message: 'mutual restart of scanner', include_recovery_time: true },
      context,
    });
    await recordPlaybookAudit({
      params: { message: 'mutual restart of scanner', include_recovery_time: true },
      context,
    });
    const [entry] = await log.tail();
    expect(await log.tail()).toHaveLength(1);
    expect(entry).toMatchObject({
      action: 'playbook.summary',
      result: 'succeeded',
      playbookRun: 'pb-1',
      details: { recoveryMs: 42_000 },
    });
  });
});

describe('healer audit verify', () => {
  it('exits 0 for an intact log and 1 naming the first tampered entry', async () => {
    const log = new AuditLog(tempLog());
    for (const n of [1, 2, 3]) await log.append(input(`k${n}`));
    const ok = captureIo();
    expect(await runAuditCommand(['verify', log.path], ok.io)).toBe(0);
    expect(ok.out.join('')).toMatch(/ok, 3 entries/);

    const lines = readFileSync(log.path, 'utf8').split('\n');
    lines[1] = lines[1].replace('"target":"scanner"', '"target":"worker"');
    writeFileSync(log.path, lines.join('\n'));
    const broken = captureIo();
    expect(await runAuditCommand(['verify', log.path], broken.io)).toBe(1);
    expect(broken.out.join('')).toMatch(
      /BROKEN at entry 2 \(line 2\): content does not match its hash.*1 entries before it are intact/,
    );
  });

  it('exits 2 for a missing file or bad usage', async () => {
    const missing = captureIo();
    expect(await runAuditCommand(['verify', '/nonexistent/audit.jsonl'], missing.io)).toBe(2);
    expect(missing.err.join('')).toMatch(/cannot read audit log/);
    const usage = captureIo();
    expect(await runAuditCommand(['check'], usage.io)).toBe(2);
    expect(usage.err.join('')).toMatch(/unknown command 'check'\nRun `healer audit --help` for usage/);
  });

  it('reads HEALER_AUDIT_LOG when no file is given', async () => {
    const log = new AuditLog(tempLog());
    await log.append(input('k1'));
    const cap = captureIo();
    expect(await runAuditCommand(['verify'], { ...cap.io, env: { HEALER_AUDIT_LOG: log.path } })).toBe(0);
    expect(cap.out.join('')).toContain(log.path);
  });
});
