import { appendFileSync, mkdtempSync, renameSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { fileSource, stdinSource } from '../../../scanner/sources/file';
import { collect, lastPositions } from './helpers';

const fresh = (): string => join(mkdtempSync(join(tmpdir(), 'healer-file-src-')), 'agent.log');

describe('file source', () => {
  it('reads existing lines, then follows appends; partial lines wait for their newline', async () => {
    const path = fresh();
    writeFileSync(path, 'one\ntwo\n');
    const c = collect(fileSource({ path, pollMs: 20, labels: { agent: 'rex' } }));
    await c.until((r) => r.length === 2);
    appendFileSync(path, 'thr');
    appendFileSync(path, 'ee\r\nfour\n');
    await c.until((r) => r.length === 4);
    await c.stop();
    expect(c.lines()).toEqual(['one', 'two', 'three', 'four']);
    const first = c.records[0];
    expect(first).toMatchObject({ kind: 'line', stream: `file:${path}`, labels: { agent: 'rex' }, lineNumber: 1 });
    const positions = c.records.map((r) => (r.kind === 'line' ? r.position : ''));
    expect([...positions].sort()).toEqual(positions);
  });

  it('waits for a missing file, and survives rename rotation and truncation', async () => {
    const path = fresh();
    const c = collect(fileSource({ path, pollMs: 20 }));
    await new Promise((r) => setTimeout(r, 60));
    writeFileSync(path, 'a1\na2\n');
    await c.until((r) => r.length === 2);
    appendFileSync(path, 'a3-no-newline');
    renameSync(path, `${path}.1`); // logrotate: rename, then a new file
    writeFileSync(path, 'b1\n');
    await c.until((r) => r.length === 4);
    truncateSync(path, 0); // copytruncate (the shrink is noticed at the next poll, as with tail -F)
    await new Promise((r) => setTimeout(r, 100));
    appendFileSync(path, 'c1\n');
    await c.until((r) => r.length === 5);
    await c.stop();
    expect(c.lines()).toEqual(['a1', 'a2', 'a3-no-newline', 'b1', 'c1']);
    const positions = c.records.map((r) => (r.kind === 'line' ? r.position : ''));
    expect([...positions].sort()).toEqual(positions); // generations keep positions ordered across rotations
  });

  it('resumes after the cursor without repeating or losing lines', async () => {
    const path = fresh();
    writeFileSync(path, 'l1\nl2\nl3\n');
    const first = collect(fileSource({ path, pollMs: 20 }));
    await first.until((r) => r.length === 3);
    await first.stop();
    const cursor = lastPositions(first.records.slice(0, 2)); // only l1, l2 were delivered
    appendFileSync(path, 'l4\n');
    const second = collect(fileSource({ path, pollMs: 20 }), cursor);
    await second.until((r) => r.length === 2);
    await second.stop();
    expect(second.lines()).toEqual(['l3', 'l4']);
    expect(second.records[0]).toMatchObject({ lineNumber: 3 });
  });

  it('starts over (new generation) when the file was replaced while stopped', async () => {
    const path = fresh();
    writeFileSync(path, 'old1\nold2\n');
    const first = collect(fileSource({ path, pollMs: 20 }));
    await first.until((r) => r.length === 2);
    await first.stop();
    renameSync(path, `${path}.1`);
    writeFileSync(path, 'new1\n');
    const second = collect(fileSource({ path, pollMs: 20 }), lastPositions(first.records));
    await second.until((r) => r.length === 1);
    await second.stop();
    expect(second.lines()).toEqual(['new1']);
    const [a, b] = [first.records[1], second.records[0]].map((r) => (r.kind === 'line' ? r.position : ''));
    expect(b > a).toBe(true);
  });

  it('reads stdin line by line', async () => {
    const c = collect(stdinSource(Readable.from(['x\ny', '\nz\n']), { agent: 'tess' }));
    await c.until((r) => r.length === 3);
    await c.stop();
    expect(c.lines()).toEqual(['x', 'y', 'z']);
    expect(c.records[2]).toMatchObject({ stream: 'file:-', lineNumber: 3, labels: { agent: 'tess' } });
  });
});
