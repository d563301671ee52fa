import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { GraphQLSchemaHost } from '@nestjs/graphql';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { createMetaSimulator, demoSeed, DEMO_IDS, type MetaSimulator } from '@switchboard/meta-simulator';
import { migrateDatabase } from '@switchboard/platform';
import { createTestDatabase, createTestRedis, type TestDatabase, type TestRedis } from '@switchboard/testing';
import { printSchema } from 'graphql';
import { TemplateOperationRunner } from '@switchboard/template-registry';
import { DataSource } from 'typeorm';
import { caller, startTestGateway, TEST_ADMIN_KEY, type Json } from './gateway.test-helper';

const SCHEMA_FILE = join(__dirname, '..', '..', '..', '..', 'libs', 'graphql-api', 'schema.graphql');

const seed = demoSeed();
const [demoApp] = seed.apps;
const [demoToken] = seed.tokens;
if (!demoApp || !demoToken) throw new Error('demo seed without app or token');

const WINDOW_OPEN_RECIPIENT = '14155550199';
const helloWorld = (to: string) => ({ from: DEMO_IDS.phoneNumberId, to, type: 'template', template: { name: 'hello_world', language: { code: 'en_US' } } });

interface GraphqlAnswer {
  status: number;
  data: Record<string, unknown> | null | undefined;
  errors: Array<{ message: string; path?: string[]; extensions: Record<string, unknown> & { code: string } }> | undefined;
}

describe('GraphQL at /graphql: the tenant surface of REST over the same services, keys and errors', () => {
  let database: TestDatabase;
  let redis: TestRedis;
  let simulator: MetaSimulator;
  let gateway: NestFastifyApplication;
  let dataSource: DataSource;
  let tenantId: string;
  let key: string;
  let testKey: string;
  let otherKey: string;

  const gql = async (query: string, variables: Json = {}, apiKey: string | null = key): Promise<GraphqlAnswer> => {
    const response = await gateway.inject({
      method: 'POST',
      url: '/graphql',
      headers: { 'content-type': 'application/json', ...(apiKey ? { authorization: `Bearer ${apiKey}` } : {}) },
      payload: JSON.stringify({ query, variables }),
    });
    const body = response.json() as { data?: Record<string, unknown> | null; errors?: GraphqlAnswer['errors'] };
    return { status: response.statusCode, data: body.data, errors: body.errors };
  };
  const codesOf = (answer: GraphqlAnswer) => answer.errors?.map((error) => error.extensions.code);

  beforeAll(async () => {
    database = await createTestDatabase('graphql');
    redis = createTestRedis('graphql');
    simulator = await createMetaSimulator({ seed });
    await migrateDatabase(database.url, 'test');
    gateway = await startTestGateway(database, redis, { GRAPH_API_BASE_URL: await simulator.listen({ port: 0 }), GRAPHQL_MAX_DEPTH: '5', GRAPHQL_MAX_COMPLEXITY: '1500', GRAPHQL_MAX_TOKENS: '5000', NODE_ENV: 'test' });
    dataSource = gateway.get(DataSource, { strict: false });
    const call = caller(gateway);
    const admin = (url: string, body?: Json) => call('POST', url, TEST_ADMIN_KEY, body);
    tenantId = (await admin('/v1/admin/tenants', { slug: 'retail', name: 'Retail' })).body['id'] as string;
    const otherTenantId = (await admin('/v1/admin/tenants', { slug: 'other', name: 'Other' })).body['id'] as string;
    await admin('/v1/admin/meta-apps', { appId: demoApp.id, appSecret: demoApp.secret, verifyToken: demoApp.verifyToken });
    expect((await admin(`/v1/admin/tenants/${tenantId}/wabas`, { environment: 'live', wabaId: DEMO_IDS.wabaId, appId: demoApp.id, accessToken: demoToken.token })).status).toBe(201);
    expect((await admin(`/v1/admin/tenants/${tenantId}/wabas/${DEMO_IDS.wabaId}/phone-numbers`, { phoneNumberId: DEMO_IDS.phoneNumberId, displayPhoneNumber: '+1 555-010-0001' })).status).toBe(201);
    key = (await admin(`/v1/admin/tenants/${tenantId}/api-keys`, { environment: 'live' })).body['key'] as string;
    testKey = (await admin(`/v1/admin/tenants/${tenantId}/api-keys`, { environment: 'test' })).body['key'] as string;
    otherKey = (await admin(`/v1/admin/tenants/${otherTenantId}/api-keys`, { environment: 'live' })).body['key'] as string;
    await dataSource.query(
      `INSERT INTO conversation_windows (tenant_id, environment, phone_number_id, wa_id, last_inbound_at) VALUES ($1, 'live', $2, $3, now() - interval '1 hour')`,
      [tenantId, DEMO_IDS.phoneNumberId, WINDOW_OPEN_RECIPIENT],
    );
  });

  afterAll(async () => {
    await gateway?.close();
    await simulator?.close();
    await redis?.cleanup();
    await database?.drop();
  });

  it('serves exactly the committed schema.graphql (UPDATE_GRAPHQL_SCHEMA=1 rewrites it)', () => {
    const printed = `${printSchema(gateway.get(GraphQLSchemaHost).schema)}\n`;
    if (process.env['UPDATE_GRAPHQL_SCHEMA'] === '1') writeFileSync(SCHEMA_FILE, printed);
    expect(printed).toBe(readFileSync(SCHEMA_FILE, 'utf8'));
  });

  it('answers me, phoneNumbers, templates and a template with the same data as REST', async () => {
    // The sync is queued: the mutation answers with its operation, which a worker carries out (here in-process).
    const synced = await gql('mutation { syncTemplates { syncedAt wabas { wabaId } operation { id kind state result error { code } } } }');
    expect(synced.errors).toBeUndefined();
    const queued = synced.data?.['syncTemplates'] as { operation: Json };
    expect(queued).toEqual({ syncedAt: null, wabas: [], operation: { id: expect.any(String), kind: 'sync', state: 'queued', result: null, error: null } });
    const operationId = queued.operation['id'] as string;
    await gateway.get(TemplateOperationRunner, { strict: false }).run(operationId);
    const operation = await gql('query($id: ID!) { templateOperation(id: $id) { id state attempts result error { code } } }', { id: operationId });
    expect(operation.data?.['templateOperation']).toEqual({
      id: operationId,
      state: 'succeeded',
      attempts: 1,
      result: expect.objectContaining({ wabas: [{ wabaId: DEMO_IDS.wabaId, templates: expect.any(Number), removed: 0 }] }),
      error: null,
    });
    // Another tenant or environment does not see it.
    for (const other of [otherKey, testKey]) {
      expect(codesOf(await gql('query($id: ID!) { templateOperation(id: $id) { id } }', { id: operationId }, other))).toEqual(['not_found']);
    }

    const answer = await gql(`{
      me { environment tenant { id slug } }
      phoneNumbers { phoneNumberId wabaId qualityRating throughputMps }
      templates(filter: { name: "hello" }, first: 5) { nodes { name language status } pageInfo { hasNextPage } }
      template(name: "hello_world", language: "en_US") { name status placeholders }
    }`);
    expect(answer.errors).toBeUndefined();
    expect(answer.data?.['me']).toEqual({ environment: 'live', tenant: { id: tenantId, slug: 'retail' } });
    expect(answer.data?.['phoneNumbers']).toEqual([{ phoneNumberId: DEMO_IDS.phoneNumberId, wabaId: DEMO_IDS.wabaId, qualityRating: 'GREEN', throughputMps: 80 }]);
    expect(answer.data?.['templates']).toEqual({ nodes: [{ name: 'hello_world', language: 'en_US', status: 'APPROVED' }], pageInfo: { hasNextPage: false } });
    expect((answer.data?.['template'] as Json)['name']).toBe('hello_world');

    const lint = await gql('mutation($t: JSON!) { validateTemplate(template: $t) { valid errors issues { rule path } } }', {
      t: { name: 'Bad Name', language: 'en_US', category: 'UTILITY', components: [{ type: 'BODY', text: 'Hi {{1}}' }] },
    });
    expect((lint.data?.['validateTemplate'] as Json)['valid']).toBe(false);
  });

  it('sends through sendMessage with the REST rules, replays an idempotency key across both dialects, and reads the message back with its timeline', async () => {
    const sent = await gql('mutation($input: JSON!, $key: String) { sendMessage(input: $input, idempotencyKey: $key) { id status to from } }', {
      input: helloWorld('+1 (415) 555-1234'),
      key: 'order-4521',
    });
    expect(sent.errors).toBeUndefined();
    const accepted = sent.data?.['sendMessage'] as Json;
    expect(accepted).toEqual({ id: expect.stringMatching(/^msg_/), status: 'queued', to: '14155551234', from: DEMO_IDS.phoneNumberId });

    const rest = await gateway.inject({ method: 'POST', url: '/v1/messages', headers: { authorization: `Bearer ${key}`, 'idempotency-key': 'order-4521' }, payload: helloWorld('+1 (415) 555-1234') });
    expect((rest.json() as Json)['id']).toBe(accepted['id']);

    const read = await gql('query($id: ID!) { message(id: $id) { id status type attempts error { code } events { status at } } }', { id: accepted['id'] });
    expect(read.data?.['message']).toEqual({ id: accepted['id'], status: 'queued', type: 'template', attempts: 0, error: null, events: [{ status: 'queued', at: expect.any(String) }] });

    const retry = await gql('mutation($id: ID!) { retryMessage(id: $id) { id } }', { id: accepted['id'] });
    expect(codesOf(retry)).toEqual(['conflict']);
  });

  it('maps every refusal to the taxonomy code in extensions.code, with details and Meta code, and no stack trace outside development', async () => {
    const invalid = await gql('mutation($input: JSON!) { sendMessage(input: $input) { id } }', { input: helloWorld('+1 415 555') });
    expect(codesOf(invalid)).toEqual(['invalid_recipient']);
    expect(invalid.errors?.[0]?.extensions['details']).toEqual([expect.objectContaining({ path: 'to' })]);
    expect(invalid.errors?.[0]?.extensions['stacktrace']).toBeUndefined();

    const closed = await gql('mutation($input: JSON!) { sendMessage(input: $input) { id } }', { input: { from: DEMO_IDS.phoneNumberId, to: '14155550111', type: 'text', text: { body: 'hi' } } });
    expect(codesOf(closed)).toEqual(['window_closed']);
    expect(closed.errors?.[0]?.extensions['meta']).toEqual({ code: 131047, title: expect.any(String) });

    const malformed = await gql('mutation($input: JSON!) { sendMessage(input: $input) { id } }', { input: { from: DEMO_IDS.phoneNumberId, to: '14155550111', type: 'text' } });
    expect(codesOf(malformed)).toEqual(['validation_failed']);

    const unknownField = await gql('{ me { nope } }');
    expect({ status: unknownField.status, codes: codesOf(unknownField) }).toEqual({ status: 400, codes: ['validation_failed'] });

    const anonymous = await gql('{ me { environment } }', {}, null);
    expect(codesOf(anonymous)).toEqual(['unauthorized']);
    const operator = await gql('{ me { environment } }', {}, TEST_ADMIN_KEY);
    expect(codesOf(operator)).toEqual(['unauthorized']);
  });

  it('answers not_found for a message of another tenant or environment, and keeps suppressions and windows per environment', async () => {
    const sent = await gql('mutation($input: JSON!) { sendMessage(input: $input) { id } }', { input: helloWorld('+1 415 555 0100') });
    const id = (sent.data?.['sendMessage'] as Json)['id'];
    for (const apiKey of [testKey, otherKey]) {
      expect(codesOf(await gql('query($id: ID!) { message(id: $id) { id } }', { id }, apiKey))).toEqual(['not_found']);
      expect(codesOf(await gql('mutation($id: ID!) { retryMessage(id: $id) { id } }', { id }, apiKey))).toEqual(['not_found']);
      expect((await gql('{ messages { nodes { id } } }', {}, apiKey)).data?.['messages']).toEqual({ nodes: [] });
    }

    const added = await gql('mutation { addSuppression(waId: "+1 415 555 0177", reason: "asked to stop") { waId source reason } }');
    expect(added.data?.['addSuppression']).toEqual({ waId: '14155550177', source: 'manual', reason: 'asked to stop' });
    expect((await gql('{ suppressions { waId } }')).data?.['suppressions']).toEqual([{ waId: '14155550177' }]);
    expect((await gql('{ suppressions { waId } }', {}, testKey)).data?.['suppressions']).toEqual([]);
    expect(codesOf(await gql('mutation { removeSuppression(waId: "14155550177") }', {}, otherKey))).toEqual(['not_found']);
    expect((await gql('mutation { removeSuppression(waId: "14155550177") }')).data).toEqual({ removeSuppression: true });

    const window = await gql(`{ conversationWindow(waId: "+${WINDOW_OPEN_RECIPIENT}", from: "${DEMO_IDS.phoneNumberId}") { open expiresAt } }`);
    expect((window.data?.['conversationWindow'] as Json)['open']).toBe(true);
    expect(codesOf(await gql(`{ conversationWindow(waId: "${WINDOW_OPEN_RECIPIENT}", from: "${DEMO_IDS.phoneNumberId}") { open } }`, {}, testKey))).toEqual(['not_found']);
  });

  it('pages messages newest first with edges and cursors, filtered like REST', async () => {
    for (const suffix of ['0201', '0202', '0203']) await gql('mutation($input: JSON!) { sendMessage(input: $input) { id } }', { input: helloWorld(`+1 415 555 ${suffix}`) });
    const first = await gql('{ messages(first: 2, filter: { status: queued, type: "template" }) { edges { cursor node { id to } } pageInfo { hasNextPage endCursor } } }');
    const connection = first.data?.['messages'] as { edges: Array<{ cursor: string; node: Json }>; pageInfo: { hasNextPage: boolean; endCursor: string } };
    expect(connection.edges.map((edge) => edge.node['to'])).toEqual(['14155550203', '14155550202']);
    expect(connection.pageInfo).toEqual({ hasNextPage: true, endCursor: connection.edges[1]?.cursor });
    const next = await gql('query($after: String) { messages(first: 1, after: $after) { nodes { to } } }', { after: connection.pageInfo.endCursor });
    expect(next.data?.['messages']).toEqual({ nodes: [{ to: '14155550201' }] });
    const tooMany = await gql('{ messages(first: 500, filter: { errorCode: "no such code!" }) { nodes { id } } }');
    expect(codesOf(tooMany)).toEqual(['validation_failed']);
    expect((tooMany.errors?.[0]?.extensions['details'] as Array<{ path: string }>).map((detail) => detail.path).sort()).toEqual(['filter.errorCode', 'first']);
  });

  it('loads the timelines of a whole page in one query (DataLoader): a page of 2 and a page of 5 cost the same', async () => {
    const statements = jest.spyOn(dataSource.logger, 'logQuery');
    const queriesFor = async (first: number) => {
      statements.mockClear();
      const answer = await gql('query($first: Int) { messages(first: $first) { nodes { id events { status at } } } }', { first });
      expect((answer.data?.['messages'] as { nodes: Json[] }).nodes).toHaveLength(first);
      return statements.mock.calls.length;
    };
    const small = await queriesFor(2);
    const large = await queriesFor(5);
    statements.mockRestore();
    expect(large).toBe(small);
    expect(small).toBeLessThanOrEqual(3);
  });

  it('refuses an operation deeper or costlier than the limits before running it (query_too_deep, query_too_complex)', async () => {
    const deep = await gql('{ messages { edges { node { error { meta { code } } } } } }');
    expect({ status: deep.status, codes: codesOf(deep) }).toEqual({ status: 400, codes: ['query_too_deep'] });
    expect(deep.errors?.[0]?.message).toContain('depth limit of 5');

    const aliases = Array.from({ length: 4 }, (_, index) => `p${index}: messages(first: 100) { nodes { id to from status events { status at } } }`).join('\n');
    const costly = await gql(`{ ${aliases} }`);
    expect({ status: costly.status, codes: codesOf(costly) }).toEqual({ status: 400, codes: ['query_too_complex'] });
    expect(costly.errors?.[0]?.extensions['maxComplexity']).toBe(1500);
    expect((await gql(`{ p0: messages(first: 100) { nodes { id to from status events { status at } } } }`)).errors).toBeUndefined();
  });

  it('refuses 1,000 aliases with 400 query_too_complex before validation and without a key; fragments count where spread', async () => {
    const aliases = (count: number, field = '__typename') => Array.from({ length: count }, (_, index) => `a${index}: ${field}`).join(' ');
    const flood = await gql(`{ ${aliases(1000)} }`, {}, null);
    expect({ status: flood.status, codes: codesOf(flood), data: flood.data }).toEqual({ status: 400, codes: ['query_too_complex'], data: undefined });
    expect(flood.errors?.[0]).toEqual({ message: 'Aliases limit of 30 exceeded, found 1000.', extensions: { code: 'query_too_complex', maxAliases: 30 } });

    // Declared ahead of the operation, so full validation would reach it first.
    const spread = await gql(`fragment F on Query { ${aliases(20, 'me { environment }')} } query { ...F ...F }`, {}, null);
    expect({ status: spread.status, codes: codesOf(spread) }).toEqual({ status: 400, codes: ['query_too_complex'] });
    expect(spread.errors?.[0]?.extensions['maxAliases']).toBe(30);

    // Within the limit the key is what decides.
    expect(codesOf(await gql(`{ ${aliases(30, 'me { environment }')} }`, {}, null))).toContain('unauthorized');
    expect((await gql(`{ ${aliases(30, 'me { environment }')} }`)).errors).toBeUndefined();
  });

  it('stops reading a document past the token limit (400 query_too_complex), key or not', async () => {
    const fields = Array.from({ length: 6000 }, () => '__typename').join(' ');
    for (const apiKey of [null, key]) {
      const long = await gql(`{ ${fields} }`, {}, apiKey);
      expect({ status: long.status, codes: codesOf(long) }).toEqual({ status: 400, codes: ['query_too_complex'] });
      expect(long.errors?.[0]?.extensions['maxTokens']).toBe(5000);
    }
  });

  it('counts operations by type and outcome on /metrics (the HTTP histogram sees only 200s and 400s)', async () => {
    const metrics = (await gateway.inject({ method: 'GET', url: '/metrics' })).body;
    expect(metrics).toMatch(/switchboard_graphql_operations_total\{type="query",code="ok",service="gateway"\} [1-9]/);
    expect(metrics).toMatch(/switchboard_graphql_operations_total\{type="mutation",code="window_closed",service="gateway"\} [1-9]/);
    expect(metrics).toMatch(/switchboard_graphql_operations_total\{type="query",code="query_too_complex",service="gateway"\} [1-9]/);
  });

  it('keeps introspection and the sandbox off outside development', async () => {
    expect(codesOf(await gql('{ __schema { queryType { name } } }'))).toEqual(['validation_failed']);
    const page = await gateway.inject({ method: 'GET', url: '/graphql', headers: { accept: 'text/html' } });
    expect(page.body).not.toContain('<html');
  });
});
