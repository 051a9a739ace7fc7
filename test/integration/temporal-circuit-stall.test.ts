// The API's Temporal circuit (api/temporal-circuit.ts) on a real connection to the suite's dev server.
// When the API's own event loop is busy (a 4 MB request body being parsed, a big refusal being built),
// a probe's deadline can fire before its answer, already received, is read. Such probes say nothing of
// Temporal: the circuit must stay closed, or valid requests get 503 while Temporal is fine.
import { connectApi, type ConnectedApi } from '../../api/compose';
import { loadConfig } from '../../runtime/config';
import { freePort } from '../support/ports';
import { eventually, testAddress } from '../support/temporal';

jest.setTimeout(60_000);

/** Holds the event loop like a synchronous parse of a large body would. */
function blockEventLoop(ms: number): void {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    // busy: nothing else in this process runs
  }
}

const connect = (address: string) =>
  connectApi(loadConfig({ TEMPORAL_ADDRESS: address, HEALER_LOG_LEVEL: 'silent' }), { taskQueue: 'circuit-stall' });

describe('the API circuit and its own event loop', () => {
  let api: ConnectedApi | undefined;
  afterEach(async () => {
    await api?.close();
    api = undefined;
  });

  test('probes starved by 700 ms stalls, one after another for 7 s, never open it while Temporal answers', async () => {
    api = await connect(testAddress());
    // The first probe has answered: the connection is up.
    await api.client.connection.workflowService.getSystemInfo({});
    const opened: number[] = [];
    for (let stall = 0; stall < 10; stall += 1) {
      // A probe goes out, then the loop is held (as by a large body parsed right after): the answer
      // arrives but the deadline's timer runs first. The next stall starts before anything else, so
      // the probe confirming the failure is starved too.
      api.circuit.suspect();
      blockEventLoop(700);
      await new Promise((resolve) => setImmediate(resolve));
      if (api.circuit.isOpen()) opened.push(stall);
    }
    expect(opened).toEqual([]);
    // Still serving: a real call goes through.
    await expect(api.client.connection.workflowService.getSystemInfo({})).resolves.toBeDefined();
  });

  test('with nothing listening, it still opens: a stall delays the verdict, it does not hide an outage', async () => {
    api = await connect(`127.0.0.1:${await freePort()}`);
    blockEventLoop(700);
    const open = await eventually(
      async () => api?.circuit.isOpen(),
      (isOpen) => isOpen === true,
      10_000,
    );
    expect(open).toBe(true);
  });
});
