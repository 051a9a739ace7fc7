import { lokiSource } from '../../../scanner/sources/loki';
import { FakeLoki, startFakeLoki } from '../../fakes/loki';
import { collect, lastPositions } from './helpers';

describe('loki source', () => {
  let loki: FakeLoki;
  beforeEach(async () => {
    loki = await startFakeLoki();
  });
  afterEach(() => loki.close());

  const labels = { namespace: 'cto', play_id: '42', agent: 'rex', pod: 'rex-abc' };

  it('polls query_range forward from its cursor, merging streams in timestamp order with labels kept', async () => {
    const base = BigInt(Date.now() - 60_000) * 1_000_000n;
    loki.push(labels, 'first', base + 1n);
    loki.push({ ...labels, agent: 'blaze' }, 'second', base + 2n);
    loki.push({ namespace: 'other' }, 'not selected', base + 3n);
    loki.push(labels, 'third', base + 3n);
    const c = collect(lokiSource({ url: loki.url, query: '{namespace="cto"}', pollMs: 20 }));
    await c.until((r) => r.length === 3);
    loki.push(labels, 'fourth');
    await c.until((r) => r.length === 4);
    await c.stop();
    expect(c.lines()).toEqual(['first', 'second', 'third', 'fourth']);
    expect(c.records[1]).toMatchObject({ stream: 'loki:{namespace="cto"}', labels: { agent: 'blaze', play_id: '42' } });
    const q = loki.queries[0];
    expect(q).toMatchObject({ query: '{namespace="cto"}', direction: 'forward', limit: '1000' });
    expect(q.start).toMatch(/^\d{19}$/);
  });

  it('pages through more lines than the limit, including lines sharing a timestamp', async () => {
    const base = BigInt(Date.now() - 60_000) * 1_000_000n;
    for (let i = 0; i < 25; i++)
      loki.push(labels, `line ${String(i).padStart(2, '0')}`, base + BigInt(Math.floor(i / 3)));
    const c = collect(lokiSource({ url: loki.url, pollMs: 20, limit: 10 }));
    await c.until((r) => r.length === 25);
    await new Promise((r) => setTimeout(r, 100));
    await c.stop();
    expect(c.lines()).toEqual(Array.from({ length: 25 }, (_, i) => `line ${String(i).padStart(2, '0')}`));
  });

  it('retries after 5xx answers and connection resets without losing lines', async () => {
    loki.push(labels, 'before outage', BigInt(Date.now() - 1000) * 1_000_000n);
    loki.failNext(500, 2);
    loki.failNext('reset', 1);
    const c = collect(lokiSource({ url: loki.url, pollMs: 20 }));
    await c.until((r) => r.length === 1);
    loki.push(labels, 'after outage');
    await c.until((r) => r.length === 2);
    await c.stop();
    expect(c.lines()).toEqual(['before outage', 'after outage']);
    expect(c.logs.filter((l) => l.includes('loki query failed')).length).toBeGreaterThanOrEqual(3);
  });

  it('resumes after a restart from the cursor: nothing repeated, nothing lost', async () => {
    const base = BigInt(Date.now() - 30_000) * 1_000_000n;
    loki.push(labels, 'a', base);
    loki.push(labels, 'b', base); // same timestamp as a
    loki.push(labels, 'c', base + 5n);
    const first = collect(lokiSource({ url: loki.url, pollMs: 20 }));
    await first.until((r) => r.length === 3);
    await first.stop();
    const cursor = lastPositions(first.records.slice(0, 2)); // a and b delivered
    loki.push(labels, 'd');
    const second = collect(lokiSource({ url: loki.url, pollMs: 20 }), cursor);
    await second.until((r) => r.length === 2);
    await new Promise((r) => setTimeout(r, 100));
    await second.stop();
    expect(second.lines()).toEqual(['c', 'd']);
  });
});
