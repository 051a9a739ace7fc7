import { appendFileSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Detection } from '../../../core/contract';
import { attribute, sessionTarget } from '../../../scanner/attribution';
import { Batcher } from '../../../scanner/batcher';
import { fileSource } from '../../../scanner/sources/file';
import { runScanner } from '../../../scanner/scanner';
import type { DetectionBatch } from '../../../core/contract';
import type { Target } from '../../../scanner/attribution';

const det = (i: number): Detection => ({
  code: 'R2',
  severity: 'high',
  priority: 'P2',
  patternId: 'p',
  fingerprint: `f${i}`,
  line: `l${i}`,
  source: 'test',
  observedAt: 'x',
});
const target = sessionTarget('42', 'cto');

/** Applies batches like the session workflow does: a batchId seen before is ignored. */
class SessionSink {
  readonly applied = new Map<string, DetectionBatch & { workflowId: string }>();
  readonly received: Array<{ workflowId: string; batch: DetectionBatch }> = [];
  /** Until this is reset, deliveries fail (Temporal down); `lost` applies then fails (lost response). */
  mode: 'ok' | 'down' | 'lost' = 'ok';
  deliver = async (t: Target, batch: DetectionBatch): Promise<void> => {
    this.received.push({ workflowId: t.workflowId, batch });
    if (this.mode === 'down') throw new Error('UNAVAILABLE: temporal is down');
    if (!this.applied.has(batch.batchId!)) this.applied.set(batch.batchId!, { ...batch, workflowId: t.workflowId });
    if (this.mode === 'lost') throw new Error('DEADLINE_EXCEEDED: response lost');
  };
  lines(): string[] {
    return [...this.applied.values()].flatMap((b) => b.detections.map((d) => d.line));
  }
}

describe('batcher', () => {
  it('sends 100 items at once and the rest after the window; one batch per workflow', async () => {
    const sink = new SessionSink();
    const b = new Batcher({ deliver: sink.deliver, flushMs: 50 });
    for (let i = 0; i < 250; i++)
      await b.add(target, { detection: det(i), stream: 's', position: String(i).padStart(4, '0') });
    await b.add(sessionTarget('43', 'cto'), { detection: det(999), stream: 's', position: '9999' });
    await b.drain();
    expect(sink.received.map((r) => [r.workflowId, r.batch.detections.length])).toEqual([
      ['play-42', 100],
      ['play-42', 100],
      ['play-42', 50],
      ['play-43', 1],
    ]);
    const ids = sink.received.map((r) => r.batch.batchId);
    expect(new Set(ids).size).toBe(4);
    await b.close();
  });

  it('applies backpressure: add waits while the bounded buffer is full', async () => {
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const delivered: number[] = [];
    const b = new Batcher({
      deliver: async (_t, batch) => (await gate, void delivered.push(batch.detections.length)),
      maxItems: 5,
      maxBuffered: 10,
      flushMs: 10,
    });
    for (let i = 0; i < 10; i++) await b.add(target, { detection: det(i), stream: 's', position: String(i) });
    let eleventh = false;
    const pending = b.add(target, { detection: det(10), stream: 's', position: '10' }).then(() => (eleventh = true));
    await new Promise((r) => setTimeout(r, 100));
    expect(eleventh).toBe(false);
    expect(b.bufferedCount).toBe(10);
    release();
    await pending;
    expect(eleventh).toBe(true);
    await b.drain();
    expect(delivered).toEqual([5, 5, 1]);
    await b.close();
  });

  it('folds repeats of a fingerprint into one detection with a count; the item cap counts distinct detections', async () => {
    const sink = new SessionSink();
    const b = new Batcher({ deliver: sink.deliver, flushMs: 50, maxItems: 3 });
    const at = (i: number): string => `2026-11-22T04:00:${String(i % 60).padStart(2, '0')}.000Z`;
    const flood = (i: number): Detection => ({ ...det(0), line: `flood ${i}`, observedAt: at(i) });
    for (let i = 0; i < 500; i++)
      await b.add(target, { detection: flood(i), stream: 's', position: String(i).padStart(4, '0') });
    await b.add(target, { detection: { ...det(1), observedAt: at(1) }, stream: 's', position: '0500' });
    await b.add(target, { detection: { ...det(1), repeats: 4, observedAt: at(59) }, stream: 's', position: '0501' });
    await b.add(target, { detection: det(2), stream: 's', position: '0502' });
    await b.add(target, { detection: det(3), stream: 's', position: '0503' });
    await b.drain();
    expect(
      sink.received.map((r) =>
        r.batch.detections.map((d) => [d.fingerprint, d.line, d.repeats, d.observedAt, d.lastObservedAt]),
      ),
    ).toEqual([
      [
        ['f0', 'flood 0', 500, at(0), at(59)],
        ['f1', 'l1', 5, at(1), at(59)],
        ['f2', 'l2', undefined, 'x', undefined],
      ],
      [['f3', 'l3', undefined, 'x', undefined]],
    ]);
    await b.close();
  });

  it('retries a failing delivery in order until it succeeds', async () => {
    const sink = new SessionSink();
    sink.mode = 'down';
    const b = new Batcher({ deliver: sink.deliver, flushMs: 10, maxItems: 2, retryInitialMs: 20 });
    for (let i = 0; i < 4; i++) await b.add(target, { detection: det(i), stream: 's', position: String(i) });
    await new Promise((r) => setTimeout(r, 100));
    expect(sink.applied.size).toBe(0);
    sink.mode = 'ok';
    await b.drain();
    expect(sink.lines()).toEqual(['l0', 'l1', 'l2', 'l3']);
    await b.close();
  });
});

describe('attribution', () => {
  it('maps labels to sessions, tolerating _/- and prefixed Kubernetes labels; the rest goes to the platform session', () => {
    expect(attribute({ 'play-id': '42', agent: 'Rex', 'task-id': '7', pod: 'rex-1' })).toEqual({
      target: { workflowId: 'play-42', kind: 'session', playId: '42', namespace: 'cto' },
      agent: 'rex',
      taskId: '7',
      pod: 'rex-1',
    });
    expect(attribute({ play_id: '42', task_id: '7' }).target.workflowId).toBe('play-42');
    expect(attribute({ 'agents.platform/play-id': '9', namespace: 'dev' }).target).toEqual({
      workflowId: 'play-9',
      kind: 'session',
      playId: '9',
      namespace: 'dev',
    });
    expect(attribute({ namespace: 'cto', pod: 'x' }).target).toEqual({
      workflowId: 'platform-cto',
      kind: 'platform',
      playId: 'platform-cto',
      namespace: 'cto',
    });
    const custom = {
      playIdLabels: ['run'],
      taskIdLabels: ['t'],
      agentLabels: ['who'],
      coderunLabels: [],
      podLabels: [],
      namespaceLabels: [],
      defaultNamespace: 'ops',
    };
    expect(attribute({ run: 'r1', who: 'tess', t: '3' }, custom)).toMatchObject({
      target: { workflowId: 'play-r1', namespace: 'ops' },
      agent: 'tess',
      taskId: '3',
    });
  });
});

describe('scanner restart', () => {
  // Each line a distinct failure (a distinct host name: numbers alone would share one fingerprint).
  const host = (n: number): string =>
    [...n.toString(26)].map((c) => String.fromCharCode(97 + parseInt(c, 26))).join('');
  const failures = (n: number, offset = 0) =>
    Array.from({ length: n }, (_, i) => `Error: getaddrinfo ENOTFOUND db-${host(1000 + offset + i)}`);

  async function runUntil(stateDir: string, path: string, sink: SessionSink, done: () => boolean): Promise<void> {
    const controller = new AbortController();
    const running = runScanner(
      {
        stateDir,
        namespace: 'cto',
        deliver: sink.deliver,
        sources: [fileSource({ path, pollMs: 20, labels: { 'play-id': '42', agent: 'rex' } })],
        flushMs: 30,
        maxItems: 7,
        drainTimeoutMs: 500,
        log: () => undefined,
      },
      controller.signal,
    );
    const deadline = Date.now() + 10_000;
    while (!done() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    controller.abort();
    await running;
  }

  it('neither loses nor repeats detections across outages, lost responses and restarts', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'healer-scanner-restart-'));
    const path = join(dir, 'agent.log');
    const stateDir = join(dir, 'state');
    const sink = new SessionSink();
    writeFileSync(path, `${['INFO ok', ...failures(20)].join('\n')}\n`);

    // Run 1: delivers everything so far.
    await runUntil(stateDir, path, sink, () => sink.lines().length === 20);
    // Run 2: responses are lost (applied, but the scanner never hears back), then it is killed.
    appendFileSync(path, `${failures(15, 100).join('\n')}\n`);
    sink.mode = 'lost';
    const before = sink.received.length;
    await runUntil(stateDir, path, sink, () => sink.received.length >= before + 3 && sink.lines().length > 20);
    // Run 3: Temporal is down; the scanner buffers, cursor stays behind, then it is stopped.
    appendFileSync(path, `${failures(10, 200).join('\n')}\nINFO 0 errors\n`);
    sink.mode = 'down';
    const beforeOutage = sink.received.length;
    await runUntil(stateDir, path, sink, () => sink.received.length >= beforeOutage + 3);
    // Run 4: everything works again.
    sink.mode = 'ok';
    await runUntil(stateDir, path, sink, () => sink.lines().length >= 45);
    await new Promise((r) => setTimeout(r, 100));

    const expected = [...failures(20), ...failures(15, 100), ...failures(10, 200)];
    expect(sink.lines().sort()).toEqual([...expected].sort());
    // Re-sent batches carried the same ids (that is how the session ignored them).
    const resent = sink.received.filter(
      (r, i) => sink.received.findIndex((o) => o.batch.batchId === r.batch.batchId) !== i,
    );
    expect(resent.length).toBeGreaterThan(0);
    for (const r of resent)
      expect(r.batch.detections.map((d) => d.line)).toEqual(
        sink.applied.get(r.batch.batchId!)!.detections.map((d) => d.line),
      );
  });
});
