import { createHmac, timingSafeEqual } from 'node:crypto';
import {
  APP,
  APP_SECRET,
  PHONE,
  USER,
  WABA,
  startSimulator,
  startWebhookReceiver,
  statusesIn,
  type ReceivedWebhook,
  type TestSimulator,
  type WebhookReceiver,
} from '../testing/sim-test.helpers';

function validSignature(webhook: ReceivedWebhook): boolean {
  const header = String(webhook.headers['x-hub-signature-256'] ?? '');
  const expected = `sha256=${createHmac('sha256', APP_SECRET).update(webhook.rawBody).digest('hex')}`;
  return header.length === expected.length && timingSafeEqual(Buffer.from(header), Buffer.from(expected));
}

describe('webhooks', () => {
  let t: TestSimulator;
  let receiver: WebhookReceiver;

  beforeAll(async () => {
    receiver = await startWebhookReceiver();
    t = await startSimulator({ webhookUrl: receiver.url });
  });
  afterAll(async () => {
    await t.close();
    await receiver.close();
  });
  beforeEach(() => {
    t.sim.reset();
    receiver.received.length = 0;
    receiver.respondWith = 200;
  });

  const sendTemplate = (to = USER, extra: Record<string, unknown> = {}) =>
    t.send({ to, type: 'template', template: { name: 'hello_world', language: { code: 'en_US' } }, ...extra });

  it('posts sent, delivered and read, signed with the app secret, echoing biz_opaque_callback_data', async () => {
    const answer = await sendTemplate(USER, { biz_opaque_callback_data: 'msg_123' });
    const wamid = (answer.body as { messages: { id: string }[] }).messages[0].id;
    await receiver.waitFor((all) => statusesIn(all).filter((status) => status['id'] === wamid).length === 3);
    await t.sim.settle();

    for (const webhook of receiver.received) {
      expect(validSignature(webhook)).toBe(true);
      expect(webhook.headers['content-type']).toBe('application/json');
    }
    expect(receiver.received[0].body).toMatchObject({
      object: 'whatsapp_business_account',
      entry: [
        {
          id: WABA,
          changes: [
            {
              field: 'messages',
              value: { messaging_product: 'whatsapp', metadata: { display_phone_number: '15550100001', phone_number_id: PHONE } },
            },
          ],
        },
      ],
    });
    const statuses = statusesIn(receiver.received);
    // Meta does not guarantee order across POSTs; the simulator posts concurrently too.
    expect(statuses.map((status) => status['status']).sort()).toEqual(['delivered', 'read', 'sent']);
    for (const status of statuses) {
      expect(status).toMatchObject({ id: wamid, recipient_id: USER, biz_opaque_callback_data: 'msg_123', timestamp: expect.stringMatching(/^\d+$/) });
    }
    const sent = statuses.find((status) => status['status'] === 'sent');
    expect(sent?.['pricing']).toEqual({ billable: true, pricing_model: 'PMP', type: 'regular', category: 'utility' });
    expect(sent?.['conversation']).toBeUndefined();
    // The app id lands in the URL, as with the gateway's /webhooks/whatsapp/{appId}.
    expect(t.sim.webhooks()[0].url).toContain(`/webhooks/whatsapp/${APP}`);
    expect(t.sim.message(wamid)?.statuses.map((status) => status.status)).toEqual(['accepted', 'sent', 'delivered', 'read']);
  });

  it('signs the exact bytes, with Meta-style escaping of non-ASCII characters and slashes', async () => {
    await t.sim.simulateInbound({ phoneNumberId: PHONE, from: USER, name: 'José', text: 'Olá 👋 https://x.y/z' });
    expect(receiver.received).toHaveLength(1);
    const [webhook] = receiver.received;
    expect(webhook.rawBody).toContain('Jos\\u00e9');
    expect(webhook.rawBody).toContain('https:\\/\\/x.y\\/z');
    expect(validSignature(webhook)).toBe(true);
    // A receiver that re-serialises before verifying would compute another signature.
    const reserialised = `sha256=${createHmac('sha256', APP_SECRET).update(JSON.stringify(webhook.body)).digest('hex')}`;
    expect(webhook.headers['x-hub-signature-256']).not.toBe(reserialised);
  });

  it('batches several statuses into one POST', async () => {
    // Every status is due at once and the first flush comes 150 ms later, so batching does not hinge on timing.
    t.sim.configure({ statusDelaysMs: { sent: 0, delivered: 0, read: 0 }, flushIntervalMs: 150 });
    await t.sim.simulateInbound({ phoneNumberId: PHONE, from: USER });
    receiver.received.length = 0;
    const sends = await Promise.all(Array.from({ length: 8 }, (_, i) => t.send({ to: USER, type: 'text', text: { body: `m${i}` } })));
    expect(sends.every((answer) => answer.status === 200)).toBe(true);
    await receiver.waitFor((all) => statusesIn(all).length === 24);
    expect(receiver.received.length).toBeLessThan(24);
    expect(Math.max(...receiver.received.map((webhook) => statusesIn([webhook]).length))).toBeGreaterThan(1);
    const service = statusesIn(receiver.received).find((status) => status['status'] === 'sent');
    expect(service?.['pricing']).toEqual({ billable: false, pricing_model: 'PMP', type: 'free_customer_service', category: 'service' });
  });

  it('caps statuses per POST at maxStatusesPerWebhook', async () => {
    t.sim.configure({ maxStatusesPerWebhook: 2, statusDelaysMs: { sent: 20, delivered: 40, read: 60 } });
    await Promise.all(Array.from({ length: 5 }, (_, i) => sendTemplate(`1555123100${i}`)));
    await receiver.waitFor((all) => statusesIn(all).length === 15);
    expect(Math.max(...receiver.received.map((webhook) => statusesIn([webhook]).length))).toBeLessThanOrEqual(2);
  });

  it('fails messages asynchronously at the configured per-code rates', async () => {
    t.sim.configure({ failureRates: { '131026': 1 } });
    const answer = await sendTemplate(USER, { biz_opaque_callback_data: 'fail-me' });
    expect(answer.status).toBe(200);
    await receiver.waitFor((all) => statusesIn(all).length === 1);
    await t.sim.settle();
    const statuses = statusesIn(receiver.received);
    expect(statuses).toHaveLength(1);
    expect(statuses[0]).toMatchObject({
      status: 'failed',
      biz_opaque_callback_data: 'fail-me',
      errors: [
        {
          code: 131026,
          title: 'Message undeliverable',
          message: 'Message undeliverable',
          error_data: { details: expect.any(String) },
          href: expect.stringContaining('error-codes'),
        },
      ],
    });
  });

  it('fails chosen recipients with a chosen code (131049, 131050)', async () => {
    t.sim.configure({ failRecipients: { '15551239049': 131049, '15551239050': 131050 } });
    await sendTemplate('15551239049');
    await sendTemplate('15551239050');
    await sendTemplate(USER);
    await receiver.waitFor((all) => statusesIn(all).length === 5);
    const failed = statusesIn(receiver.received).filter((status) => status['status'] === 'failed');
    expect(failed.map((status) => [status['recipient_id'], (status['errors'] as { code: number }[])[0].code]).sort()).toEqual([
      ['15551239049', 131049],
      ['15551239050', 131050],
    ]);
  });

  it('reports only `sent` for reactions and fails media ids that do not exist with 131053', async () => {
    const inbound = await t.sim.simulateInbound({ phoneNumberId: PHONE, from: USER });
    receiver.received.length = 0;
    await t.send({ to: USER, type: 'reaction', reaction: { message_id: inbound.id, emoji: '❤️' } });
    await t.send({ to: USER, type: 'image', image: { id: '5999999999999999' } });
    await t.sim.settle();
    const statuses = statusesIn(receiver.received);
    expect(statuses.filter((status) => status['status'] !== 'failed').map((status) => status['status'])).toEqual(['sent']);
    expect((statuses.find((status) => status['status'] === 'failed')?.['errors'] as { code: number }[])[0].code).toBe(131053);
  });

  it('posts the inbound messages webhook with contacts and messages', async () => {
    const result = await t.sim.simulateInbound({
      phoneNumberId: PHONE,
      from: '+1 555 123 0001',
      name: 'Sheena',
      message: { type: 'interactive', interactive: { type: 'button_reply', button_reply: { id: 'yes', title: 'Yes' } }, context: { from: '15550100001', id: 'wamid.X' } },
    });
    expect(result.webhooks[0].statusCode).toBe(200);
    // Found by content: a status webhook of an earlier test may still arrive.
    const value = receiver.received.map((webhook) => webhook.body.entry[0].changes[0].value).find((candidate) => 'messages' in candidate);
    expect(value).toMatchObject({
      messaging_product: 'whatsapp',
      metadata: { phone_number_id: PHONE, display_phone_number: '15550100001' },
      contacts: [{ profile: { name: 'Sheena' }, wa_id: USER }],
      messages: [{ from: USER, id: result.id, type: 'interactive', interactive: { type: 'button_reply' }, context: { id: 'wamid.X' } }],
    });
  });

  it('sends nothing to a WABA with no subscribed app, and records why', async () => {
    await t.call('DELETE', `/v24.0/${WABA}/subscribed_apps`);
    const result = await t.sim.simulateInbound({ phoneNumberId: PHONE, from: USER });
    expect(result.webhooks[0]).toMatchObject({ statusCode: null, skipped: 'WABA has no subscribed app' });
    expect(receiver.received).toHaveLength(0);
    await t.call('POST', `/v24.0/${WABA}/subscribed_apps`);
    await t.sim.simulateInbound({ phoneNumberId: PHONE, from: USER });
    expect(receiver.received).toHaveLength(1);
  });

  it('retries a delivery the receiver refused, and logs each attempt', async () => {
    t.sim.configure({ webhookRetry: { maxAttempts: 3, baseDelayMs: 10 } });
    receiver.respondWith = 503;
    await t.sim.simulateInbound({ phoneNumberId: PHONE, from: USER });
    await t.sim.settle();
    expect(receiver.received).toHaveLength(3);
    expect(t.sim.webhooks().map((delivery) => [delivery.attempt, delivery.statusCode])).toEqual([
      [1, 503],
      [2, 503],
      [3, 503],
    ]);
    const listed = await t.call<{ data: { statusCode: number }[] }>('GET', '/_sim/webhooks', { token: null });
    expect(listed.body.data).toHaveLength(3);
  });

  it('includes conversation on statuses of Graph v23.0 and older', async () => {
    const answer = await t.call('POST', `/v23.0/${PHONE}/messages`, {
      body: { messaging_product: 'whatsapp', to: USER, type: 'template', template: { name: 'hello_world', language: { code: 'en_US' } } },
    });
    expect(answer.status).toBe(200);
    await receiver.waitFor((all) => statusesIn(all).length >= 1);
    expect(statusesIn(receiver.received)[0]['conversation']).toMatchObject({ id: expect.any(String), origin: { type: 'utility' } });
  });
});
