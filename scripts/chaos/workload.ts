// The chaos workload, through the HTTP API as a user's agents would use it: sessions, each with a few
// distinct failures (one incident each), and log pushes that a client retries with the same
// Idempotency-Key until acknowledged. What was acknowledged (202) is recorded per session, so the run
// can check nothing acknowledged was lost and nothing was applied twice.
import type { ChaosOptions } from './scenario';

export interface ChaosSession {
  playId: string;
  /** One line per distinct failure. */
  failures: string[];
  /** Detections the API acknowledged (202) for this session. */
  acknowledged: number;
}

const WORDS = [
  'alpha',
  'bravo',
  'charlie',
  'delta',
  'echo',
  'foxtrot',
  'golf',
  'hotel',
  'india',
  'juliet',
  'kilo',
  'lima',
  'mike',
  'november',
  'oscar',
  'papa',
  'quebec',
  'romeo',
  'sierra',
  'tango',
  'uniform',
  'victor',
  'whiskey',
  'xray',
  'yankee',
  'zulu',
];

/** A distinct crash per index: fingerprints ignore digits, so the module names are words. */
export function failureLine(index: number): string {
  const word = `${WORDS[index % WORDS.length]}${index >= WORDS.length ? `_${WORDS[Math.floor(index / WORDS.length) % WORDS.length]}` : ''}`;
  return `thread 'main' panicked at src/${word}.rs:12:5: called \`Option::unwrap()\` on a \`None\` value in ${word}_loader`;
}

export function sessionPayload(playId: string, repository: string): Record<string, unknown> {
  return {
    play_id: playId,
    repository,
    service: 'chaos',
    cto_config: { agents: { rex: { tools: { remote: ['github_create_pr'] } } } },
    tasks: [{ id: 1, title: 'Keep the service up', agent_hint: 'rex' }],
  };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const retryDelayMs = (response?: Response): number =>
  Math.min(5000, Math.max(200, Number(response?.headers.get('retry-after') ?? 0.5) * 1000));

/** POST with retries on 503/5xx/429 and network errors until `deadline`; the last response, if any. */
async function postUntilAnswered(
  url: string,
  body: unknown,
  headers: Record<string, string>,
  deadline: number,
  retriable: (status: number) => boolean,
  onRetry: () => void = () => undefined,
): Promise<Response | undefined> {
  for (;;) {
    let response: Response | undefined;
    try {
      response = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...headers },
        body: JSON.stringify(body),
        signal: AbortSignal.timeout(15_000),
      });
      if (!retriable(response.status)) return response;
    } catch {
      // the API itself is restarting, or the answer was lost: try again with the same key
    }
    onRetry();
    if (Date.now() > deadline) return response;
    await sleep(retryDelayMs(response));
  }
}

const retriable = (status: number) => status === 503 || status === 429 || status >= 500;

export async function startSessions(
  apiUrl: string,
  options: Pick<ChaosOptions, 'label' | 'incidents' | 'sessions' | 'repository'>,
  deadline: number,
): Promise<ChaosSession[]> {
  const perSession = Math.ceil(options.incidents / options.sessions);
  const sessions: ChaosSession[] = [];
  for (let i = 0; i < options.sessions; i++) {
    const count = Math.min(perSession, options.incidents - i * perSession);
    if (count <= 0) break;
    const playId = `${options.label}-${Date.now().toString(36)}-${i}`;
    const response = await postUntilAnswered(
      `${apiUrl}/api/v1/session/start`,
      sessionPayload(playId, options.repository),
      {},
      deadline,
      retriable,
    );
    // 409: a retried start whose first answer was lost.
    if (!response || (response.status !== 201 && response.status !== 409))
      throw new Error(`chaos: could not start session ${playId}: HTTP ${response?.status ?? 'no answer'}`);
    sessions.push({ playId, failures: Array.from({ length: count }, (_, k) => failureLine(k)), acknowledged: 0 });
  }
  return sessions;
}

/** Log pushes, each retried with its Idempotency-Key until the API acknowledges it (or the run ends). */
export class Pusher {
  pushes = 0;
  acknowledgedPushes = 0;
  /** Attempts answered 503 (or not at all) and tried again. */
  retried = 0;
  /** Pushes never acknowledged: they may or may not have been applied. */
  unacknowledged = 0;
  private counter = 0;
  private readonly inFlight = new Set<Promise<void>>();

  constructor(
    private readonly apiUrl: string,
    private readonly label: string,
    private readonly deadline: number,
  ) {}

  push(session: ChaosSession, lines: string[]): Promise<void> {
    this.pushes += 1;
    const key = `${this.label}-${session.playId}-${(this.counter += 1)}`;
    const work = postUntilAnswered(
      `${this.apiUrl}/api/v1/session/${session.playId}/logs`,
      { lines, labels: { agent: 'rex', task_id: '1', pod: 'rex-1' } },
      { 'idempotency-key': key },
      this.deadline + 60_000,
      retriable,
      () => (this.retried += 1),
    ).then(async (response) => {
      if (response?.status !== 202) {
        this.unacknowledged += 1;
        return;
      }
      const body = (await response.json()) as { detections: number };
      session.acknowledged += body.detections;
      this.acknowledgedPushes += 1;
    });
    this.inFlight.add(work);
    void work.finally(() => this.inFlight.delete(work));
    return work;
  }

  async settle(): Promise<void> {
    await Promise.all([...this.inFlight]);
  }
}
