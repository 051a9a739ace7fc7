// A fake Discord webhook: POST /api/webhooks/{id}/{token} with `{content}` → 204 (or 200 and the message
// with ?wait=true); PATCH /api/webhooks/{id}/{token}/messages/{message id} edits a message (404 if unknown).
// Rate limits like Discord: a 429 with `retry_after` (seconds, float) in the JSON body and a Retry-After
// header, plus x-ratelimit-* bucket headers on every answer.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface DiscordMessage {
  id: string;
  content: string;
  username?: string;
  receivedAt: number;
  /** Set when the message was edited (PATCH), with its content before. */
  editedAt?: number;
  previous?: string[];
}

export class FakeDiscord {
  readonly messages: DiscordMessage[] = [];
  /** Every request, accepted or not. */
  attempts = 0;
  private rateLimitsLeft = 0;
  private retryAfterSecs = 0.2;
  private server?: Server;
  url = '';

  async start(): Promise<string> {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        this.attempts++;
        const headers = {
          'content-type': 'application/json',
          'x-ratelimit-limit': '5',
          'x-ratelimit-bucket': 'webhook',
        };
        const url = new URL(req.url ?? '/', 'http://x');
        const edit = /^\/api\/webhooks\/\d+\/[\w-]+\/messages\/(\d+)$/.exec(url.pathname);
        const post = req.method === 'POST' && /^\/api\/webhooks\/\d+\/[\w-]+$/.test(url.pathname);
        if (!post && !(req.method === 'PATCH' && edit)) {
          res.writeHead(404, headers).end(JSON.stringify({ message: 'Unknown Webhook', code: 10015 }));
          return;
        }
        if (this.rateLimitsLeft > 0) {
          this.rateLimitsLeft--;
          res
            .writeHead(429, {
              ...headers,
              'retry-after': String(Math.ceil(this.retryAfterSecs)),
              'x-ratelimit-remaining': '0',
              'x-ratelimit-reset-after': String(this.retryAfterSecs),
            })
            .end(
              JSON.stringify({
                message: 'You are being rate limited.',
                retry_after: this.retryAfterSecs,
                global: false,
              }),
            );
          return;
        }
        let body: { content?: unknown; username?: unknown };
        try {
          body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as typeof body;
        } catch {
          res.writeHead(400, headers).end(JSON.stringify({ message: 'Cannot send an empty message', code: 50006 }));
          return;
        }
        if (typeof body.content !== 'string' || body.content.length === 0 || body.content.length > 2000) {
          res.writeHead(400, headers).end(JSON.stringify({ message: 'Invalid Form Body', code: 50035 }));
          return;
        }
        const ok = { ...headers, 'x-ratelimit-remaining': '4', 'x-ratelimit-reset-after': '1' };
        if (edit) {
          const message = this.messages.find((m) => m.id === edit[1]);
          if (!message) {
            res.writeHead(404, headers).end(JSON.stringify({ message: 'Unknown Message', code: 10008 }));
            return;
          }
          message.previous = [...(message.previous ?? []), message.content];
          message.content = body.content;
          message.editedAt = Date.now();
          res.writeHead(200, ok).end(JSON.stringify({ id: message.id, content: message.content }));
          return;
        }
        const message: DiscordMessage = {
          id: String(1_000_000 + this.messages.length),
          content: body.content,
          username: typeof body.username === 'string' ? body.username : undefined,
          receivedAt: Date.now(),
        };
        this.messages.push(message);
        if (url.searchParams.get('wait') === 'true')
          res.writeHead(200, ok).end(JSON.stringify({ id: message.id, content: message.content }));
        else res.writeHead(204, ok).end();
      });
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this.url;
  }

  /** The webhook URL to configure as DISCORD_WEBHOOK_URL. */
  get webhookUrl(): string {
    return `${this.url}/api/webhooks/123456789/test-token`;
  }

  /** The next `count` requests get a 429 with `retry_after` = `retryAfterSecs`. */
  rateLimitNext(count: number, retryAfterSecs = 0.2): void {
    this.rateLimitsLeft = count;
    this.retryAfterSecs = retryAfterSecs;
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }
}

export async function startFakeDiscord(): Promise<FakeDiscord> {
  const fake = new FakeDiscord();
  await fake.start();
  return fake;
}
