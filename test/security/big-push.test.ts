// Large log pushes are split into several `detections` signals under Temporal's payload limit, and a
// line answered 202 is in the session: the defect was a 500 ("Blob data size exceeds limit") past
// ~3,000 matching lines, with the detections lost.
import { samplePayload } from '../support/sessions';
import { eventually, uniqueId, uniqueTaskQueue } from '../support/temporal';
import { TOKENS, bearer, request, startSecuredApi, type SecuredApi } from './harness';

const auth = bearer(TOKENS.all);

/** A different word for each i, of letters no fingerprint normaliser touches (so every line is its own failure). */
function word(i: number): string {
  let out = '';
  do {
    out += 'ghijklmnopqrstuvwxyz'[i % 20];
    i = Math.floor(i / 20);
  } while (i > 0);
  return out;
}

const refused = (i: number) =>
  `Error: connect ECONNREFUSED connection refused by upstream ${word(i)} ${'z'.repeat(400)}`;

describe('a push larger than one signal', () => {
  let api: SecuredApi;
  const playId = uniqueId('bigpush');
  const logs = `/api/v1/session/${playId}/logs`;

  beforeAll(async () => {
    api = await startSecuredApi(uniqueTaskQueue('bigpush'));
    expect((await request(`${api.url}/api/v1/session/start`, 'POST', samplePayload(playId), auth)).status).toBe(201);
  });
  afterAll(async () => {
    await api.close();
  });

  /** A push as a careful client sends it: with an Idempotency-Key, retried until it is answered 202. */
  async function pushUntilAccepted(lines: string[], key: string, labels: Record<string, string> = {}) {
    for (let attempt = 1; ; attempt += 1) {
      const answer = await request(`${api.url}${logs}`, 'POST', { lines, labels }, { ...auth, 'idempotency-key': key });
      // Under load a signal may pass its deadline (504): retrying under the same key applies each batch once.
      if (answer.status === 202 || attempt === 5) return answer;
    }
  }

  test('every line answered 202 is in the session, across split batches, repeats and retries', async () => {
    const distinct = Array.from({ length: 8000 }, (_, i) => refused(i)); // ~3.7 MB of lines, ~5 MB of detections
    const flood = Array.from({ length: 6000 }, () => "thread 'main' panicked at src/main.rs:10:5");
    const floodKey = uniqueId('flood');
    const [big, repeated] = await Promise.all([
      pushUntilAccepted(distinct, uniqueId('distinct'), { agent: 'rex' }),
      pushUntilAccepted(flood, floodKey),
    ]);
    expect(big.status).toBe(202);
    expect(big.body.detections).toBe(8000);
    expect(big.body.batches.length).toBeGreaterThan(4); // split to stay under the payload limit
    expect(new Set(big.body.batches.map((b: { batchId: string }) => b.batchId)).size).toBe(big.body.batches.length);
    expect(repeated.status).toBe(202);
    expect(repeated.body.detections).toBe(6000);
    expect(repeated.body.batches).toHaveLength(1); // repeats of one failure fold into one detection

    // The flood again under its key: the same batch, applied once.
    const again = await pushUntilAccepted(flood, floodKey);
    expect(again.body.batches).toEqual(repeated.body.batches);

    const answered = big.body.detections + repeated.body.detections;
    const session = await eventually(
      () => request(`${api.url}/api/v1/session/${playId}`, 'GET', undefined, auth),
      (a) => a.body.detections?.total >= answered,
      60_000,
    );
    expect(session.body.detections.total).toBe(answered);
    expect(session.body.detections.byCode).toMatchObject({ R1: 6000, R2: 8000 });
  }, 180_000);
});
