import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { ExchangeFixture } from './fixture.schemas';

/** A request the replay server received, as the plugin sent it. */
export interface ReceivedRequest {
  readonly method: string;
  readonly path: string;
  readonly query: Readonly<Record<string, string>>;
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
  readonly body: Buffer;
}

/** What happened since the last take(): exchanges answered, requests nothing was recorded for, exchanges never asked for. */
export interface ReplayRound {
  readonly served: readonly { readonly exchange: ExchangeFixture; readonly request: ReceivedRequest }[];
  readonly unexpected: readonly ReceivedRequest[];
  readonly unserved: readonly ExchangeFixture[];
}

/**
 * A loopback stand-in for a vendor's API that answers with recorded responses, in the order they
 * were queued, so a plugin's send() is tested without a network. A request with nothing queued
 * is answered 501 and reported, so a plugin that calls twice (or calls something else) fails.
 */
export class ReplayServer {
  private queue: ExchangeFixture[] = [];
  private served: { exchange: ExchangeFixture; request: ReceivedRequest }[] = [];
  private unexpected: ReceivedRequest[] = [];

  private readonly server: Server = createServer((req, res) => void this.handle(req, res));
  private origin = '';

  /** Starts one on a free loopback port. */
  static async start(): Promise<ReplayServer> {
    const replay = new ReplayServer();
    await new Promise<void>((resolve, reject) => {
      replay.server.once('error', reject);
      replay.server.listen(0, '127.0.0.1', () => resolve());
    });
    replay.origin = `http://127.0.0.1:${(replay.server.address() as AddressInfo).port}`;
    return replay;
  }

  /** The server's origin, e.g. `http://127.0.0.1:41234`. */
  get url(): string {
    return this.origin;
  }

  /** Queues exchanges to answer, in order. */
  serve(...exchanges: ExchangeFixture[]): void {
    this.queue.push(...exchanges);
  }

  /** Reports the round and starts a fresh one. */
  take(): ReplayRound {
    const round = { served: this.served, unexpected: this.unexpected, unserved: this.queue };
    this.served = [];
    this.unexpected = [];
    this.queue = [];
    return round;
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const url = new URL(req.url ?? '/', this.url);
    const request: ReceivedRequest = {
      method: req.method ?? 'GET',
      path: url.pathname,
      query: Object.fromEntries(url.searchParams),
      headers: req.headers,
      body: Buffer.concat(chunks),
    };
    const exchange = this.queue.shift();
    if (!exchange) {
      this.unexpected.push(request);
      res.writeHead(501, { 'content-type': 'application/json' }).end(JSON.stringify({ error: 'no recorded exchange for this request' }));
      return;
    }
    this.served.push({ exchange, request });
    const { status, headers, body } = exchange.response;
    const text = body === undefined ? '' : typeof body === 'string' ? body : JSON.stringify(body);
    const contentType = typeof body === 'string' || body === undefined ? 'text/plain' : 'application/json';
    const recorded = Object.fromEntries(Object.entries(headers).map(([name, value]) => [name.toLowerCase(), value]));
    res.writeHead(status, { 'content-type': contentType, ...recorded }).end(text);
  }
}
