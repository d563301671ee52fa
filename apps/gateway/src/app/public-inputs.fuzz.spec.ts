import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { createMetaSimulator, demoSeed, DEMO_IDS, signatureHeader, type MetaSimulator } from '@switchboard/meta-simulator';
import { migrateDatabase } from '@switchboard/platform';
import { createTestDatabase, createTestRedis, type TestDatabase, type TestRedis } from '@switchboard/testing';
import fc from 'fast-check';
import { DataSource } from 'typeorm';
import { caller, startTestGateway, TEST_ADMIN_KEY } from './gateway.test-helper';

/** Fixed, so a failure replays; fast-check prints it (and the shrunk input) with every counterexample. */
const SEED = 1414;
const RUNS = 250;
const OPEN_WINDOW = '14155550123';

const seed = demoSeed();
const [demoApp] = seed.apps;
const [demoToken] = seed.tokens;
if (!demoApp || !demoToken) throw new Error('demo seed without app or token');
const WEBHOOK = `/webhooks/whatsapp/${demoApp.id}`;

type Json = Record<string, unknown>;

/** Keys that pollute prototypes when an object is merged or assigned naively. */
const hostileKey = fc.constantFrom('__proto__', 'constructor', 'prototype', 'toString', 'hasOwnProperty', 'valueOf', '__defineGetter__');
const hostileString = fc.oneof(
  fc.string({ unit: 'grapheme', maxLength: 40 }),
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.constantFrom(
    '',
    ' ',
    '\u0000',
    '\u202e\u0661\u0662',
    '\ud800',
    '🇺🇸👩‍👩‍👧‍👦',
    "'; DROP TABLE messages; --",
    '$where',
    '{{7*7}}',
    '../../etc/passwd',
    'x'.repeat(70_000),
    '+1 (415) 555-0123',
    '+' + '9'.repeat(40),
    OPEN_WINDOW,
    DEMO_IDS.phoneNumberId,
  ),
);
const hostileNumber = fc.oneof(
  fc.double(),
  fc.integer(),
  fc.constantFrom(Number.MAX_SAFE_INTEGER + 2, 1e308, -0, 2 ** 53, 1e21, 0.1),
);
const hostileValue: fc.Arbitrary<unknown> = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: 'small' },
    hostileString,
    hostileNumber,
    fc.boolean(),
    fc.constant(null),
    fc.array(tie('value'), { maxLength: 4 }),
    fc.dictionary(fc.oneof(hostileKey, fc.string({ maxLength: 10 })), tie('value'), { maxKeys: 4 }),
  ),
})).value;
/** A field of a message: its usual shape or anything else. */
const field = <T>(usual: fc.Arbitrary<T>) => fc.oneof({ weight: 2, arbitrary: usual }, { weight: 1, arbitrary: hostileValue });

/** A message the gateway accepts (the window to OPEN_WINDOW is open). */
const validText = fc.record({
  from: fc.constant(DEMO_IDS.phoneNumberId),
  to: fc.constantFrom(`+${OPEN_WINDOW}`, OPEN_WINDOW, `+1 (415) 555-0123`),
  type: fc.constant('text'),
  text: fc.record({ body: fc.string({ unit: 'grapheme', minLength: 1, maxLength: 200 }) }),
});
/** A valid message with one field replaced by, or one extra key holding, anything. */
const mutatedText = fc
  .tuple(validText, fc.oneof(hostileKey, fc.constantFrom('from', 'to', 'type', 'text', 'metadata', 'scheduledAt', 'country', 'biz_opaque_callback_data', 'context')), hostileValue)
  .map(([message, name, value]) => {
    const copy: Json = { ...message };
    // defineProperty: an own "__proto__" key, as JSON.parse would make it, not a prototype change.
    Object.defineProperty(copy, name, { value, enumerable: true, writable: true, configurable: true });
    return copy;
  });

const messageBody: fc.Arbitrary<unknown> = fc.oneof(
  validText,
  mutatedText,
  mutatedText,
  fc.record(
    {
      from: field(fc.constant(DEMO_IDS.phoneNumberId)),
      to: field(fc.constantFrom(`+${OPEN_WINDOW}`, OPEN_WINDOW, '+14155550000')),
      type: field(fc.constantFrom('text', 'template', 'image', 'interactive', 'reaction', 'location', 'contacts', 'sticker')),
      text: field(fc.record({ body: field(fc.string({ minLength: 1, maxLength: 20 })), preview_url: field(fc.boolean()) }, { requiredKeys: [] })),
      template: field(fc.record({ name: field(fc.constant('hello_world')), language: field(fc.record({ code: field(fc.constant('en_US')) })), components: hostileValue }, { requiredKeys: [] })),
      image: field(fc.record({ link: field(fc.constantFrom('https://example.com/a.jpg', 'http://169.254.169.254/', 'javascript:alert(1)')), id: hostileValue }, { requiredKeys: [] })),
      metadata: hostileValue,
      country: hostileValue,
      scheduledAt: field(fc.constantFrom(new Date(Date.now() + 3600_000).toISOString(), 'not a date', '9999-12-31T23:59:59Z', '1970-01-01T00:00:00Z')),
      biz_opaque_callback_data: hostileValue,
      ['__proto__']: hostileValue,
      constructor: hostileValue,
    },
    { requiredKeys: [] },
  ),
  hostileValue,
  fc.dictionary(hostileKey, hostileValue, { maxKeys: 3 }),
);

/** Raw request bodies: JSON text of anything, cut short, or not JSON at all. */
const rawBody = (json: fc.Arbitrary<unknown>) =>
  fc.oneof(
    { weight: 4, arbitrary: json.map((value) => JSON.stringify(value) ?? 'undefined') },
    json.chain((value) => {
      const text = JSON.stringify(value) ?? '';
      return fc.nat({ max: Math.max(text.length - 1, 0) }).map((cut) => text.slice(0, cut));
    }),
    fc.string({ unit: 'binary', maxLength: 200 }),
    fc.constantFrom('{', '[', '{"a":}', '{"__proto__":{"polluted":1}}', '{"constructor":{"prototype":{"polluted":1}}}', 'null', '1e999', '"x"', '{"a":1}{"a":2}', '\ufeff{}'),
  );

interface Answer {
  status: number;
  body: unknown;
  contentType: string;
}

/** A refusal of /v1: the contract's error shape, a known taxonomy code. */
function expectContractError(answer: Answer): void {
  expect(answer.contentType).toContain('application/json');
  const error = (answer.body as { error?: Json } | null)?.error;
  expect(error).toEqual(expect.objectContaining({ code: expect.stringMatching(/^[a-z][a-z_]*$/), message: expect.any(String) }));
}

/**
 * The public inputs under hostile and malformed input, against the real gateway, Postgres
 * and Redis: never a 5xx, every refusal in the contract's shape, nothing stored for a refusal.
 */
describe('public inputs under fuzzing (fast-check, fixed seed)', () => {
  let database: TestDatabase;
  let redis: TestRedis;
  let simulator: MetaSimulator;
  let gateway: NestFastifyApplication;
  let dataSource: DataSource;
  let key: string;

  const count = async (table: 'messages' | 'webhook_inbox') =>
    Number(((await dataSource.query(`SELECT count(*)::int AS n FROM ${table}`)) as Array<{ n: number }>)[0]?.n);
  const inject = async (method: 'POST' | 'GET', url: string, payload: string, headers: Record<string, string>): Promise<Answer> => {
    const response = await gateway.inject({ method, url, payload, headers });
    let body: unknown = response.body;
    try {
      body = response.body ? JSON.parse(response.body) : null;
    } catch {
      // Not JSON: kept as text for the assertion that needs it.
    }
    return { status: response.statusCode, body, contentType: String(response.headers['content-type'] ?? '') };
  };
  /** `examples` run first on every run: inputs that once found a 5xx, kept as regressions. */
  const run = <Ts extends [unknown, ...unknown[]]>(property: fc.IAsyncProperty<Ts>, examples: Ts[] = []) => fc.assert(property, { seed: SEED, numRuns: RUNS, examples });

  beforeAll(async () => {
    database = await createTestDatabase('fuzz');
    redis = createTestRedis('fuzz');
    simulator = await createMetaSimulator({ seed });
    const graphBaseUrl = await simulator.listen({ port: 0 });
    await migrateDatabase(database.url, 'test');
    gateway = await startTestGateway(database, redis, { GRAPH_API_BASE_URL: graphBaseUrl, TENANT_RATE_LIMIT_REQUESTS: '0' });
    dataSource = gateway.get(DataSource, { strict: false });
    const call = caller(gateway);
    const admin = (url: string, body?: Json) => call('POST', url, TEST_ADMIN_KEY, body);
    const tenantId = (await admin('/v1/admin/tenants', { slug: 'fuzz', name: 'Fuzz' })).body['id'] as string;
    expect((await admin('/v1/admin/meta-apps', { appId: demoApp.id, appSecret: demoApp.secret, verifyToken: demoApp.verifyToken })).status).toBe(201);
    expect((await admin(`/v1/admin/tenants/${tenantId}/wabas`, { environment: 'live', wabaId: DEMO_IDS.wabaId, appId: demoApp.id, accessToken: demoToken.token })).status).toBe(201);
    expect((await admin(`/v1/admin/tenants/${tenantId}/wabas/${DEMO_IDS.wabaId}/phone-numbers`, { phoneNumberId: DEMO_IDS.phoneNumberId, displayPhoneNumber: '+1 555-010-0001' })).status).toBe(201);
    key = (await admin(`/v1/admin/tenants/${tenantId}/api-keys`, { environment: 'live' })).body['key'] as string;
    // An open window, so a well-formed text message is accepted and the fuzz also reaches the accept path.
    await dataSource.query(
      `INSERT INTO conversation_windows (tenant_id, environment, phone_number_id, wa_id, last_inbound_at) VALUES ($1, 'live', $2, $3, now())`,
      [tenantId, DEMO_IDS.phoneNumberId, OPEN_WINDOW],
    );
    const accepted = await inject('POST', '/v1/messages', JSON.stringify({ from: DEMO_IDS.phoneNumberId, to: `+${OPEN_WINDOW}`, type: 'text', text: { body: 'hi' } }), {
      authorization: `Bearer ${key}`,
      'content-type': 'application/json',
    });
    expect(accepted.status).toBe(202);
  });

  afterAll(async () => {
    await gateway?.close();
    await simulator?.close();
    await redis?.cleanup();
    await database?.drop();
  });

  afterEach(() => {
    expect(({} as Json)['polluted']).toBeUndefined();
    expect(Object.prototype).not.toHaveProperty('polluted');
  });

  it('POST /v1/messages: no 5xx, refusals in the error shape and nothing stored, an accept stores exactly one message', async () => {
    const outcomes = new Map<number, number>();
    const usedKeys = new Set<string>();
    const idempotencyKey = fc.option(fc.oneof(fc.string({ unit: fc.constantFrom(...'abcXYZ019-_:. %$/\\'), minLength: 1, maxLength: 300 }), fc.constant('k')), { nil: undefined });
    const contentType = fc.constantFrom('application/json', 'application/json; charset=utf-8', 'text/plain', 'application/x-www-form-urlencoded');
    await run(
      fc.asyncProperty(rawBody(messageBody), contentType, idempotencyKey, async (payload, type, idempotency) => {
        const headers: Record<string, string> = { authorization: `Bearer ${key}`, 'content-type': type };
        if (idempotency !== undefined) headers['idempotency-key'] = idempotency;
        const before = await count('messages');
        const answer = await inject('POST', '/v1/messages', payload, headers);
        const stored = (await count('messages')) - before;
        outcomes.set(answer.status, (outcomes.get(answer.status) ?? 0) + 1);
        expect(answer.status).toBeLessThan(500);
        if (answer.status === 202) {
          expect(answer.body).toEqual(expect.objectContaining({ id: expect.stringMatching(/^msg_/), status: expect.any(String) }));
          // A key seen before may replay the first answer, which stores nothing new.
          expect(idempotency !== undefined && usedKeys.has(idempotency) ? [0, 1] : [1]).toContain(stored);
          if (idempotency !== undefined) usedKeys.add(idempotency);
        } else {
          expect(answer.status).toBeGreaterThanOrEqual(400);
          expectContractError(answer);
          expect(stored).toBe(0);
        }
      }),
      [
        // A lone surrogate: valid JSON, but Postgres refuses it in jsonb (was a 500 at the insert).
        [JSON.stringify({ from: DEMO_IDS.phoneNumberId, to: `+${OPEN_WINDOW}`, type: 'text', text: { body: ' ' }, metadata: { '': { hasOwnProperty: '\ud800' } } }), 'application/json', undefined],
        [JSON.stringify({ from: DEMO_IDS.phoneNumberId, to: `+${OPEN_WINDOW}`, type: 'text', text: { body: 'x\udfff' } }), 'application/json', 'k-lone'],
      ],
    );
    // The run reached the accept path as well as the refusals.
    expect(outcomes.get(202)).toBeGreaterThan(0);
    expect(outcomes.get(400)).toBeGreaterThan(0);
  });

  it('POST /webhooks/whatsapp/{appId}: bad or missing signatures are 401 and store nothing; a valid one over any bytes is stored, never a 5xx', async () => {
    const signature = fc.oneof(
      fc.constant(undefined),
      fc.string({ maxLength: 80 }),
      fc.string({ unit: fc.constantFrom(...'0123456789abcdef'), minLength: 64, maxLength: 64 }).map((hex) => `sha256=${hex}`),
      fc.constantFrom('sha256=', 'sha1=abc', 'sha256=' + 'z'.repeat(64), 'SHA256=' + '0'.repeat(64), 'sha256=' + '0'.repeat(65)),
    );
    let storedTotal = 0;
    const appId = fc.oneof({ weight: 4, arbitrary: fc.constant(demoApp.id) }, fc.constantFrom('0', '9'.repeat(40), 'abc', '%00', '..%2F..', '1000000000000002'));
    await run(
      fc.asyncProperty(rawBody(hostileValue), signature, fc.boolean(), appId, async (payload, header, signProperly, app) => {
        const signed = signProperly && app === demoApp.id;
        const headers: Record<string, string> = { 'content-type': 'application/json' };
        const value = signProperly ? signatureHeader(payload, demoApp.secret) : header;
        if (value !== undefined) headers['x-hub-signature-256'] = value;
        const before = await count('webhook_inbox');
        const answer = await inject('POST', `/webhooks/whatsapp/${app}`, payload, headers);
        const stored = (await count('webhook_inbox')) - before;
        expect(answer.status).toBeLessThan(500);
        if (signed) {
          // Stored (a redelivery of the same bytes may be recognised as one): Meta's retries must never see a 5xx.
          expect(answer.status).toBe(200);
          expect([0, 1]).toContain(stored);
          storedTotal += stored;
        } else {
          expect(answer.status).toBeGreaterThanOrEqual(400);
          expect(stored).toBe(0);
        }
      }),
    );
    expect(storedTotal).toBeGreaterThan(0);
    // The route itself, unsigned and empty, for the record: the contract's 401.
    expect((await inject('POST', WEBHOOK, '', {})).status).toBe(401);
  });

  it('POST /graphql: no 5xx, every error carries extensions.code, and only an accepted sendMessage stores a message', async () => {
    const fieldNames = fc.constantFrom('messages', 'message', 'templates', 'phoneNumbers', 'me', '__schema', '__typename', 'window', 'nodes', 'id', 'x');
    const selection = fc
      .array(fc.tuple(fc.option(fc.string({ maxLength: 8 }), { nil: undefined }), fieldNames, fc.option(fc.string({ maxLength: 30 }), { nil: undefined })), { minLength: 1, maxLength: 5 })
      .map((parts) => parts.map(([alias, name, args]) => `${alias ? `${alias}: ` : ''}${name}${args !== undefined ? `(${args})` : ''}`).join(' '));
    const query = fc.oneof(
      fc.string({ maxLength: 200 }),
      selection.map((fields) => `{ ${fields} }`),
      selection.map((fields) => `query Q($first: Int, $id: ID!) { ${fields} }`),
      fc.constantFrom(
        'mutation($input: JSON!, $key: String) { sendMessage(input: $input, idempotencyKey: $key) { id status } }',
        'mutation($id: ID!) { retryMessage(id: $id) { id status } }',
        'query($first: Int) { messages(first: $first) { nodes { id status } } }',
        'query($id: ID!) { message(id: $id) { id status events { status at } } }',
        'subscription { messageStatus { id } }',
        '{ __schema { types { name } } }',
        '{ a',
        '',
        `{ ${'messages { nodes { id } } '.repeat(50)} }`,
        `${'{ messages '.repeat(40)}${'}'.repeat(40)}`,
      ),
    );
    const variables = fc.oneof(
      fc.record({ input: messageBody, key: fc.option(hostileString, { nil: undefined }), first: fc.option(hostileValue, { nil: undefined }), id: fc.option(hostileValue, { nil: undefined }) }, { requiredKeys: [] }),
      hostileValue,
    );
    const send = fc
      .record({ input: messageBody, key: fc.option(fc.string({ minLength: 1, maxLength: 40 }), { nil: undefined }) }, { requiredKeys: ['input'] })
      .map((vars) => JSON.stringify({ query: 'mutation($input: JSON!, $key: String) { sendMessage(input: $input, idempotencyKey: $key) { id status } }', variables: vars }));
    const envelope = fc.oneof(
      { weight: 5, arbitrary: fc.tuple(query, variables).map(([text, vars]) => JSON.stringify({ query: text, variables: vars })) },
      { weight: 3, arbitrary: send },
      fc.tuple(hostileValue, hostileValue).map(([text, vars]) => JSON.stringify({ query: text, variables: vars, operationName: text })),
      rawBody(hostileValue),
    );
    let answered = 0;
    let sends = 0;
    await run(
      fc.asyncProperty(envelope, async (payload) => {
        const before = await count('messages');
        const answer = await inject('POST', '/graphql', payload, { authorization: `Bearer ${key}`, 'content-type': 'application/json' });
        const stored = (await count('messages')) - before;
        expect(answer.status).toBeLessThan(500);
        expect({ status: answer.status, json: answer.contentType.includes('application/json') && typeof answer.body === 'object' }).toEqual({ status: answer.status, json: true });
        const body = answer.body as { data?: Json | null; errors?: Array<{ extensions?: { code?: unknown } }>; error?: Json } | null;
        if (answer.status >= 400 && body && !('errors' in body)) {
          expectContractError(answer);
        } else {
          for (const error of body?.errors ?? []) expect(error.extensions?.code).toEqual(expect.stringMatching(/^[A-Za-z][A-Za-z_]*$/));
        }
        const sent = (body?.data?.['sendMessage'] as { id?: string } | null | undefined)?.id;
        expect(stored).toBe(sent ? 1 : 0);
        if (body?.data) answered += 1;
        if (sent) sends += 1;
      }),
      [
        // A missing or mistyped variable: the cost limit read the variables and threw (was a 500).
        ['{"query":"mutation($input: JSON!, $key: String) { sendMessage(input: $input, idempotencyKey: $key) { id status } }","variables":{}}'],
        ['{"query":"query($first: Int) { messages(first: $first) { nodes { id } } }","variables":{"first":"x"}}'],
        // Not JSON, or a prototype key: refused by Fastify before Apollo (was a text/plain body).
        ['{"query":"{ me { id } }","variables":{"__proto__":{"polluted":1}}}'],
        ['{"query":'],
      ],
    );
    expect({ answered: answered > 0, sends: sends > 0 }).toEqual({ answered: true, sends: true });
  });
});
