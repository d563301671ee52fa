import { randomBytes } from 'node:crypto';
import { TOKEN_VAULT, type TokenVault } from '@switchboard/token-vault';
import type { Worker } from 'bullmq';
import { Webhook, WebhookVerificationError } from 'standardwebhooks';
import { endpointSecretScope, newEndpointSecret, standardWebhooksSecret } from './endpoint-secret';
import { signStandardWebhook, verifyEvent } from './event-signature';
import { TenantEventsPublisher } from './tenant-events.publisher';
import { headersOf, startDeliveryWorker, startEventReceiver, startTenantEventsApp, type EventReceiver, type TenantEventsTestApp } from './tenant-events.test-helper';

describe('Standard Webhooks signature', () => {
  const body = '{"id":"evt","type":"message.status"}';
  const now = () => Math.floor(Date.now() / 1000);

  it('new secrets are whsec_ and the padded standard base64 of 32 random bytes', () => {
    const secret = newEndpointSecret();
    expect(secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    expect(Buffer.from(secret.slice(6), 'base64')).toHaveLength(32);
    expect(newEndpointSecret()).not.toBe(secret);
  });

  it('is accepted by the standardwebhooks verifier, for the exact body only', () => {
    const secret = newEndpointSecret();
    const headers = signStandardWebhook(secret, 'evt_1', body, now());
    expect(headers['webhook-id']).toBe('evt_1');
    expect(headers['webhook-signature']).toMatch(/^v1,[A-Za-z0-9+/]+=*$/);
    expect(new Webhook(secret).verify(body, { ...headers })).toEqual({ id: 'evt', type: 'message.status' });
    expect(() => new Webhook(secret).verify(`${body} `, { ...headers })).toThrow(WebhookVerificationError);
    expect(() => new Webhook(newEndpointSecret()).verify(body, { ...headers })).toThrow(WebhookVerificationError);
    expect(() => new Webhook(secret).verify(body, { ...headers, 'webhook-id': 'evt_2' })).toThrow(WebhookVerificationError);
  });

  it('a secret issued in base64url keeps its key bytes: verifiable once spelled in standard base64', () => {
    const legacy = `whsec_${Buffer.from('fb'.repeat(32), 'hex').toString('base64url')}`;
    expect(legacy).toMatch(/[-_]/);
    const headers = signStandardWebhook(legacy, 'evt_1', body, now());
    expect(standardWebhooksSecret(legacy)).toBe(`whsec_${Buffer.from('fb'.repeat(32), 'hex').toString('base64')}`);
    expect(new Webhook(standardWebhooksSecret(legacy)).verify(body, { ...headers })).toBeTruthy();
    const standard = newEndpointSecret();
    expect(standardWebhooksSecret(standard)).toBe(standard);
  });
});

describe('tenant events delivered as Standard Webhooks (real Postgres, Redis and worker, a local receiver)', () => {
  let t: TenantEventsTestApp;
  let worker: Worker;
  let receiver: EventReceiver;

  const register = async (path: string) => {
    const created = await t.call('POST', '/v1/endpoints', t.keys.live, { url: receiver.url(path), events: ['message.status'] });
    expect(created.status).toBe(201);
    return created.body as { id: string; secret: string };
  };
  const publishAndDispatch = async () => {
    const publisher = t.app.get(TenantEventsPublisher);
    const ids = await t.dataSource.transaction((manager) => publisher.publish(manager, { tenantId: t.tenantId, environment: 'live' }, 'message.status', { messageId: 'msg_1', status: 'delivered' }));
    await publisher.dispatch(ids);
    return ids;
  };

  beforeAll(async () => {
    receiver = await startEventReceiver();
    t = await startTenantEventsApp('standard_webhooks', { allowPrivateTargets: true, retryDelaysMs: [50], timeoutMs: 2000 });
    worker = startDeliveryWorker(t);
  }, 30_000);

  afterAll(async () => {
    await worker?.close();
    await t?.close();
    await receiver?.close();
  });

  afterEach(async () => {
    await t.dataSource.query(`DELETE FROM event_endpoints`);
    receiver.received.length = 0;
    receiver.answer(200);
  });

  it('the standardwebhooks Webhook class accepts a delivered event and refuses a tampered body', async () => {
    const endpoint = await register('/hook');
    await publishAndDispatch();
    const [request] = await receiver.waitFor(1);
    if (!request) throw new Error('nothing received');

    const event = new Webhook(endpoint.secret).verify(request.body, headersOf(request)) as { id: string; type: string; data: Record<string, unknown> };
    expect(event).toMatchObject({ type: 'message.status', environment: 'live', data: { messageId: 'msg_1', status: 'delivered' } });
    expect(request.headers['webhook-id']).toBe(event.id);
    expect(Math.abs(Number(request.headers['webhook-timestamp']) - Date.now() / 1000)).toBeLessThan(60);

    const tampered = request.body.replace('"delivered"', '"read"');
    expect(tampered).not.toBe(request.body);
    expect(() => new Webhook(endpoint.secret).verify(tampered, headersOf(request))).toThrow(WebhookVerificationError);

    // The earlier header is still sent, for receivers built on it.
    expect(verifyEvent(endpoint.secret, request.body, String(request.headers['switchboard-signature']), Math.floor(Date.now() / 1000))).toBe(true);
    expect(request.headers['switchboard-event-id']).toBe(event.id);
  });

  it('webhook-id is the event id on every attempt: a retried delivery carries the same one, freshly signed', async () => {
    const endpoint = await register('/flaky');
    receiver.answer(500);
    await publishAndDispatch();
    await receiver.waitFor(1);
    receiver.answer(200);
    const [first, second] = await receiver.waitFor(2);
    if (!first || !second) throw new Error('two attempts expected');
    expect(second.headers['webhook-id']).toBe(first.headers['webhook-id']);
    expect(new Webhook(endpoint.secret).verify(second.body, headersOf(second))).toMatchObject({ id: first.headers['webhook-id'] });
  });

  it('a secret stored before Standard Webhooks (base64url) keeps working: both signatures verify', async () => {
    const endpoint = await register('/legacy');
    const legacy = `whsec_${randomBytes(32).toString('base64url')}`;
    const vault = t.app.get<TokenVault>(TOKEN_VAULT);
    await vault.put(endpointSecretScope({ id: endpoint.id, tenantId: t.tenantId, environment: 'live' }), legacy);
    await publishAndDispatch();
    const [request] = await receiver.waitFor(1);
    if (!request) throw new Error('nothing received');
    expect(verifyEvent(legacy, request.body, String(request.headers['switchboard-signature']), Math.floor(Date.now() / 1000))).toBe(true);
    expect(new Webhook(standardWebhooksSecret(legacy)).verify(request.body, headersOf(request))).toMatchObject({ type: 'message.status' });
  });
});
