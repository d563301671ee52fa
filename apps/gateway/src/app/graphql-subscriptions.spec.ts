import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { migrateDatabase } from '@switchboard/platform';
import { createTestDatabase, createTestRedis, type TestDatabase, type TestRedis } from '@switchboard/testing';
import WebSocket from 'ws';
import { caller, startTestGateway, TEST_ADMIN_KEY } from './gateway.test-helper';

const MAX_SUBSCRIPTIONS = 2;
const MAX_PAYLOAD = 4096;
const QUOTA = 12;
const STATUS_FEED = 'subscription { messageStatusChanged { messageId status } }';

interface GraphqlError {
  message: string;
  extensions: Record<string, unknown>;
}

interface Frame {
  type: string;
  id?: string;
  payload?: unknown;
}

/** One graphql-transport-ws connection spoken frame by frame, so every server answer can be asserted. */
class WsConnection {
  readonly frames: Frame[] = [];
  readonly closed: Promise<{ code: number; reason: string }>;

  private constructor(readonly socket: WebSocket) {
    socket.on('message', (data: Buffer) => this.frames.push(JSON.parse(data.toString('utf8')) as Frame));
    this.closed = new Promise((resolve) => socket.on('close', (code, reason) => resolve({ code, reason: reason.toString('utf8') })));
  }

  static async open(url: string): Promise<WsConnection> {
    const socket = new WebSocket(url, 'graphql-transport-ws');
    const connection = new WsConnection(socket);
    await new Promise<void>((resolve, reject) => {
      socket.once('open', () => resolve());
      socket.once('error', reject);
    });
    return connection;
  }

  static async authenticated(url: string, key: string): Promise<WsConnection> {
    const connection = await WsConnection.open(url);
    connection.send({ type: 'connection_init', payload: { authorization: `Bearer ${key}` } });
    await connection.next((frame) => frame.type === 'connection_ack');
    return connection;
  }

  send(frame: Frame): void {
    this.socket.send(JSON.stringify(frame));
  }

  subscribe(id: string, query = STATUS_FEED): void {
    this.send({ id, type: 'subscribe', payload: { query } });
  }

  /** The first frame (already received or arriving within `ms`) that matches. */
  async next(matches: (frame: Frame) => boolean, ms = 3000): Promise<Frame> {
    const deadline = Date.now() + ms;
    for (;;) {
      const found = this.frames.find(matches);
      if (found) return found;
      if (Date.now() > deadline) throw new Error(`no matching frame within ${ms} ms; got ${JSON.stringify(this.frames)}`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }

  /**
   * The errors sent for `id`: a refusal (`error` frame) or a failed start (`next` with
   * errors). graphql-ws sends nothing for a subscription that started and waits for events.
   */
  errorsOf(id: string): GraphqlError[] {
    return this.frames
      .filter((frame) => frame.id === id)
      .flatMap((frame) => (frame.type === 'error' ? (frame.payload as GraphqlError[]) : frame.type === 'next' ? ((frame.payload as { errors?: GraphqlError[] }).errors ?? []) : []));
  }

  close(): void {
    this.socket.close();
  }
}

const settle = () => new Promise((resolve) => setTimeout(resolve, 300));

describe('graphql-ws limits: frame size, subscriptions per key, the tenant quota (real Postgres and Redis)', () => {
  let database: TestDatabase;
  let redis: TestRedis;
  let gateway: NestFastifyApplication;
  let wsUrl: string;
  const connections: WsConnection[] = [];

  const open = async (key: string) => {
    const connection = await WsConnection.authenticated(wsUrl, key);
    connections.push(connection);
    return connection;
  };

  const tenantKey = async (slug: string): Promise<string> => {
    const call = caller(gateway);
    const tenantId = (await call('POST', '/v1/admin/tenants', TEST_ADMIN_KEY, { slug, name: slug })).body['id'] as string;
    return (await call('POST', `/v1/admin/tenants/${tenantId}/api-keys`, TEST_ADMIN_KEY, { environment: 'live' })).body['key'] as string;
  };

  beforeAll(async () => {
    database = await createTestDatabase('graphql_ws');
    redis = createTestRedis('graphql-ws');
    await migrateDatabase(database.url, 'test');
    gateway = await startTestGateway(database, redis, {
      NODE_ENV: 'test',
      GRAPHQL_MAX_SUBSCRIPTIONS_PER_KEY: String(MAX_SUBSCRIPTIONS),
      GRAPHQL_WS_MAX_PAYLOAD_BYTES: String(MAX_PAYLOAD),
      TENANT_RATE_LIMIT_REQUESTS: String(QUOTA),
      TENANT_RATE_LIMIT_WINDOW_SECONDS: '3600',
    });
    await gateway.listen({ port: 0, host: '127.0.0.1' });
    wsUrl = `${(await gateway.getUrl()).replace('http', 'ws')}/graphql`;
  });

  afterAll(async () => {
    for (const connection of connections) connection.close();
    await gateway?.close();
    await redis?.cleanup();
    await database?.drop();
  });

  it('closes the socket with 1009 on a frame above maxPayload, before any key is shown', async () => {
    const connection = await WsConnection.open(wsUrl);
    connections.push(connection);
    connection.send({ type: 'connection_init', payload: { authorization: `Bearer ${'x'.repeat(MAX_PAYLOAD)}` } });
    expect((await connection.closed).code).toBe(1009);

    // A frame within the limit is read as usual (here: a key that is no key, 4403).
    const small = await WsConnection.open(wsUrl);
    connections.push(small);
    small.send({ type: 'connection_init', payload: { authorization: 'Bearer sbk_live_not-a-key-at-all-0000000000000000' } });
    expect((await small.closed).code).toBe(4403);
  });

  it('refuses the subscription past the cap of one key across its connections, frees the slot when one ends, and leaves other keys alone', async () => {
    const key = await tenantKey('capped');
    const first = await open(key);
    const second = await open(key);
    first.subscribe('a');
    await settle();
    second.subscribe('b');
    await settle();
    expect([...first.errorsOf('a'), ...second.errorsOf('b')]).toEqual([]);

    second.subscribe('c');
    await second.next((frame) => frame.type === 'error' && frame.id === 'c');
    expect(second.errorsOf('c')).toEqual([expect.objectContaining({ extensions: expect.objectContaining({ code: 'rate_limited', maxSubscriptions: MAX_SUBSCRIPTIONS }) })]);
    expect(second.errorsOf('c')[0]?.message).toContain(`${MAX_SUBSCRIPTIONS} subscriptions`);

    // Another key has slots of its own.
    const other = await open(await tenantKey('uncapped'));
    other.subscribe('x');
    await settle();
    expect(other.errorsOf('x')).toEqual([]);

    // The client ends one: its slot is free again.
    first.send({ id: 'a', type: 'complete' });
    await settle();
    second.subscribe('d');
    await settle();
    expect(second.errorsOf('d')).toEqual([]);

    // A closed connection gives all its slots back.
    second.close();
    await second.closed;
    await settle();
    const third = await open(key);
    third.subscribe('e');
    third.subscribe('f');
    await settle();
    expect([...third.errorsOf('e'), ...third.errorsOf('f')]).toEqual([]);
  });

  it('counts every subscription in the tenant request quota and refuses one once it is spent', async () => {
    const key = await tenantKey('quota');
    const remaining = async () => {
      const response = await gateway.inject({ method: 'GET', url: '/v1/me', headers: { authorization: `Bearer ${key}` } });
      return { status: response.statusCode, remaining: Number(response.headers['ratelimit-remaining']) };
    };
    expect(await remaining()).toEqual({ status: 200, remaining: QUOTA - 1 });

    const connection = await open(key);
    connection.subscribe('q1');
    await settle();
    expect(connection.errorsOf('q1')).toEqual([]);
    expect(await remaining()).toEqual({ status: 200, remaining: QUOTA - 3 });

    for (let used = 3; used < QUOTA; used += 1) await remaining();
    connection.subscribe('q2');
    await connection.next((frame) => frame.type === 'error' && frame.id === 'q2');
    expect(connection.errorsOf('q2')).toEqual([expect.objectContaining({ extensions: expect.objectContaining({ code: 'rate_limited', retryAfterMs: expect.any(Number) }) })]);
  });

  it('applies the alias and token limits to subscriptions too', async () => {
    const connection = await open(await tenantKey('sizes'));
    const aliases = Array.from({ length: 40 }, (_, index) => `a${index}: messageStatusChanged { messageId }`).join(' ');
    connection.subscribe('big', `subscription { ${aliases} }`);
    await connection.next((frame) => frame.type === 'error' && frame.id === 'big');
    expect(connection.errorsOf('big').map((error) => error.extensions['code'])).toEqual(['query_too_complex']);
  });
});
