import { createMetaSimulator, demoSeed, DEMO_IDS, type MetaSimulator } from '@switchboard/meta-simulator';
import { createTestDatabase, createTestRedis, type TestDatabase, type TestRedis } from '@switchboard/testing';
import { createClient, type Client } from 'graphql-ws';
import WebSocket from 'ws';
import { freePort, startNode, waitFor, type RunningProcess } from './support/app-process';
import { waitForTemplateOperation } from './support/template-sync';

const ADMIN_API_KEY = `e2e-operator-${'g'.repeat(32)}`;
const GATEWAY = 'dist/apps/gateway/main.js';
const WORKER = 'dist/apps/worker/main.js';

type Json = Record<string, unknown>;
interface StatusChange {
  messageId: string;
  status: string;
  messageStatus: string;
}

/**
 * Issue 9's acceptance against the built apps: a send through the GraphQL mutation on
 * one gateway, its statuses (driven by the simulator's webhooks into that gateway and
 * the worker) watched over graphql-ws on another gateway, so the Redis fan-out between
 * instances is what carries them; then the same message read over REST.
 */
describe('GraphQL end to end (two built gateways, a worker, simulator as Meta)', () => {
  let database: TestDatabase;
  let redis: TestRedis;
  let simulator: MetaSimulator;
  let gateways: RunningProcess[] = [];
  let worker: RunningProcess;
  let urls: string[];
  let key: string;
  let otherKey: string;
  let admin: (method: string, path: string, body?: unknown) => Promise<{ status: number; body: Json }>;
  let tenantId: string;
  const clients: Client[] = [];
  const seed = demoSeed();
  const [app] = seed.apps;
  const [token] = seed.tokens;
  if (!app || !token) throw new Error('demo seed without app or token');

  const rest = async (method: string, url: string, apiKey: string, body?: unknown): Promise<{ status: number; body: Json }> => {
    const response = await fetch(url, {
      method,
      headers: { authorization: `Bearer ${apiKey}`, ...(body ? { 'content-type': 'application/json' } : {}) },
      ...(body ? { body: JSON.stringify(body) } : {}),
    });
    const text = await response.text();
    return { status: response.status, body: text ? (JSON.parse(text) as Json) : {} };
  };
  const gql = async (url: string, query: string, variables: Json = {}, apiKey = key) => {
    const response = await fetch(`${url}/graphql`, {
      method: 'POST',
      headers: { authorization: `Bearer ${apiKey}`, 'content-type': 'application/json' },
      body: JSON.stringify({ query, variables }),
    });
    return (await response.json()) as { data?: Json; errors?: Array<{ extensions: { code: string } }> };
  };
  const subscriber = (url: string, apiKey: string): Client => {
    const client = createClient({
      url: `${url.replace('http', 'ws')}/graphql`,
      webSocketImpl: WebSocket,
      connectionParams: { authorization: `Bearer ${apiKey}` },
      retryAttempts: 0,
      lazy: true,
    });
    clients.push(client);
    return client;
  };
  /** Collects changes until `until` says enough (or the subscription ends with an error). */
  const watch = (client: Client, messageId: string | null, until: (changes: StatusChange[]) => boolean) => {
    const changes: StatusChange[] = [];
    let stop = () => undefined as void;
    const done = new Promise<StatusChange[]>((resolve, reject) => {
      stop = client.subscribe<{ messageStatusChanged: StatusChange }>(
        { query: 'subscription($id: ID) { messageStatusChanged(messageId: $id) { messageId status messageStatus at } }', variables: { id: messageId } },
        {
          next: (result) => {
            if (result.errors) return reject(new Error(JSON.stringify(result.errors)));
            if (result.data) changes.push(result.data.messageStatusChanged);
            if (until(changes)) resolve(changes);
          },
          // A list of GraphQL errors, or the socket's CloseEvent.
          error: (error: unknown) => reject(Array.isArray(error) ? new Error(JSON.stringify(error)) : error),
          complete: () => resolve(changes),
        },
      );
    });
    return { done: done.finally(() => stop()), changes };
  };

  beforeAll(async () => {
    database = await createTestDatabase('e2e_graphql');
    redis = createTestRedis('e2e_graphql');
    const ports = [await freePort(), await freePort(), await freePort()];
    urls = [`http://127.0.0.1:${ports[0]}`, `http://127.0.0.1:${ports[1]}`];
    simulator = await createMetaSimulator({
      seed,
      webhookUrl: `${urls[0]}/webhooks/whatsapp/{appId}`,
      simulation: { statusDelaysMs: { sent: 50, delivered: 300, read: 600 } },
    });
    const env = { DATABASE_URL: database.url, REDIS_URL: redis.url, QUEUE_PREFIX: redis.prefix, LOG_LEVEL: 'warn', GRAPH_API_BASE_URL: await simulator.listen({ port: 0 }) };
    gateways = [
      startNode(GATEWAY, { ...env, PORT: String(ports[0]), ADMIN_API_KEY }),
      startNode(GATEWAY, { ...env, PORT: String(ports[1]), ADMIN_API_KEY, MIGRATE_ON_START: 'false' }),
    ];
    worker = startNode(WORKER, { ...env, WORKER_PORT: String(ports[2]) });
    for (const [index, url] of urls.entries()) await waitFor(`${url}/health/ready`, { app: gateways[index] });
    await waitFor(`http://127.0.0.1:${ports[2]}/health/ready`, { app: worker });

    const [first] = urls as [string, string];
    admin = (method: string, path: string, body?: unknown) => rest(method, `${first}${path}`, ADMIN_API_KEY, body);
    tenantId = (await admin('POST', '/v1/admin/tenants', { slug: 'units', name: 'Units' })).body['id'] as string;
    const otherTenantId = (await admin('POST', '/v1/admin/tenants', { slug: 'others', name: 'Others' })).body['id'] as string;
    expect((await admin('POST', '/v1/admin/meta-apps', { appId: app.id, appSecret: app.secret, verifyToken: app.verifyToken })).status).toBe(201);
    expect((await admin('POST', `/v1/admin/tenants/${tenantId}/wabas`, { environment: 'live', wabaId: DEMO_IDS.wabaId, appId: app.id, accessToken: token.token })).status).toBe(201);
    expect(
      (await admin('POST', `/v1/admin/tenants/${tenantId}/wabas/${DEMO_IDS.wabaId}/phone-numbers`, { phoneNumberId: DEMO_IDS.phoneNumberId, displayPhoneNumber: '+1 555-010-0001' })).status,
    ).toBe(201);
    key = (await admin('POST', `/v1/admin/tenants/${tenantId}/api-keys`, { environment: 'live' })).body['key'] as string;
    otherKey = (await admin('POST', `/v1/admin/tenants/${otherTenantId}/api-keys`, { environment: 'live' })).body['key'] as string;
    const synced = await gql(first, 'mutation { syncTemplates { syncedAt operation { id state } } }');
    expect(synced.errors).toBeUndefined();
    const operation = (synced.data?.['syncTemplates'] as { operation: { id: string } }).operation;
    expect(await waitForTemplateOperation(first, key, operation.id)).toMatchObject({ state: 'succeeded' });
  });

  afterAll(async () => {
    await Promise.all(clients.map((client) => client.dispose()));
    for (const gateway of gateways) await gateway.stop();
    await worker?.stop();
    await simulator?.close();
    await redis?.cleanup();
    await database?.drop();
  });

  it('reports sent, delivered and read over the subscription of another gateway, then REST shows the same message', async () => {
    const [sendingGateway, watchingGateway] = urls as [string, string];
    // Everything of the environment, subscribed before the send: only Redis can bring it from the other gateway.
    const all = watch(subscriber(watchingGateway, key), null, (changes) => changes.some((change) => change.status === 'read'));
    await new Promise((resolve) => setTimeout(resolve, 500));

    const sent = await gql(sendingGateway, 'mutation($input: JSON!) { sendMessage(input: $input) { id status } }', {
      input: { from: DEMO_IDS.phoneNumberId, to: '+1 415 555 7001', type: 'template', template: { name: 'hello_world', language: { code: 'en_US' } } },
    });
    expect(sent.errors).toBeUndefined();
    const id = (sent.data?.['sendMessage'] as Json)['id'] as string;
    // One message, subscribed late: its timeline so far is replayed, then live changes follow.
    const one = watch(subscriber(watchingGateway, key), id, (changes) => changes.some((change) => change.status === 'read'));

    const seen = (await all.done).filter((change) => change.messageId === id).map((change) => change.status);
    expect(seen).toEqual(expect.arrayContaining(['queued', 'sent', 'delivered', 'read']));
    expect(seen.indexOf('sent')).toBeLessThan(seen.indexOf('read'));
    const own = await one.done;
    expect(new Set(own.map((change) => change.messageId))).toEqual(new Set([id]));
    expect(own.map((change) => change.status)).toEqual(['queued', 'sent', 'delivered', 'read']);
    expect(own.at(-1)?.messageStatus).toBe('read');

    const view = await rest('GET', `${watchingGateway}/v1/messages/${id}`, key);
    expect(view.status).toBe(200);
    expect(view.body).toMatchObject({ id, status: 'read', wamid: expect.stringMatching(/^wamid\./) });
    expect((view.body['events'] as Json[]).map((event) => event['status'])).toEqual(['queued', 'sent', 'delivered', 'read']);
  });

  it("refuses a connection without a valid key, and another tenant's message is not_found over GraphQL and the subscription", async () => {
    const [first, second] = urls as [string, string];
    const sent = await gql(first, 'mutation($input: JSON!) { sendMessage(input: $input) { id } }', {
      input: { from: DEMO_IDS.phoneNumberId, to: '+1 415 555 7002', type: 'template', template: { name: 'hello_world', language: { code: 'en_US' } } },
    });
    const id = (sent.data?.['sendMessage'] as Json)['id'] as string;
    expect((await gql(second, 'query($id: ID!) { message(id: $id) { id } }', { id }, otherKey)).errors?.map((error) => error.extensions.code)).toEqual(['not_found']);
    await expect(watch(subscriber(second, otherKey), id, () => true).done).rejects.toThrow(/not_found/);
    await expect(watch(subscriber(second, 'sbk_live_not-a-key-at-all-0000000000000000'), null, () => true).done).rejects.toMatchObject({ code: 4403 });
  });

  it('ends a subscription whose key is revoked, at its next event', async () => {
    const [first, second] = urls as [string, string];
    const created = (await admin('POST', `/v1/admin/tenants/${tenantId}/api-keys`, { environment: 'live', name: 'dashboard' })).body;
    const revoked = watch(subscriber(second, created['key'] as string), null, () => false);
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect((await admin('DELETE', `/v1/admin/tenants/${tenantId}/api-keys/${created['id'] as string}`)).status).toBe(204);
    // The watching gateway heard of the revocation (the process caches' invalidation) once it refuses the key.
    for (let deadline = Date.now() + 10_000; ; await new Promise((resolve) => setTimeout(resolve, 100))) {
      const status = (await fetch(`${second}/v1/messages`, { headers: { authorization: `Bearer ${created['key'] as string}` } })).status;
      if (status === 401) break;
      if (Date.now() > deadline) throw new Error(`the watching gateway still answers ${status} for the revoked key`);
    }
    // Handled before the event that ends it: the event may reach the watcher before the mutation's answer reaches us.
    const ended = expect(revoked.done).rejects.toThrow(/unauthorized/);
    await gql(first, 'mutation($input: JSON!) { sendMessage(input: $input) { id } }', {
      input: { from: DEMO_IDS.phoneNumberId, to: '+1 415 555 7003', type: 'template', template: { name: 'hello_world', language: { code: 'en_US' } } },
    });
    await ended;
  });

  it('serves the sandbox UI and introspection in development (the default of a built gateway without NODE_ENV)', async () => {
    const [first] = urls as [string, string];
    const page = await fetch(`${first}/graphql`, { headers: { accept: 'text/html' } });
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('<html');
    const introspection = await gql(first, '{ __schema { subscriptionType { name } } }');
    expect(introspection.data).toEqual({ __schema: { subscriptionType: { name: 'Subscription' } } });
  });
});
