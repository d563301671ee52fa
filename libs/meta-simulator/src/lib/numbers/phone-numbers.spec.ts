import { APP, PHONE, PHONE_2, WABA, startSimulator, startWebhookReceiver, type TestSimulator, type WebhookReceiver } from '../testing/sim-test.helpers';

describe('phone numbers, registration and subscribed apps', () => {
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
  });

  it('lists the WABA numbers with the fields the gateway syncs', async () => {
    const answer = await t.call<{ data: Record<string, unknown>[]; paging: unknown }>('GET', `/v24.0/${WABA}/phone_numbers`);
    expect(answer.status).toBe(200);
    expect(answer.body.data).toHaveLength(2);
    expect(answer.body.data[0]).toEqual({
      id: PHONE,
      verified_name: 'Switchboard Demo',
      code_verification_status: 'VERIFIED',
      display_phone_number: '+1 555-010-0001',
      quality_rating: 'GREEN',
      platform_type: 'CLOUD_API',
      throughput: { level: 'STANDARD' },
      status: 'CONNECTED',
      name_status: 'APPROVED',
      whatsapp_business_manager_messaging_limit: 'TIER_2K',
      messaging_limit_tier: 'TIER_2K',
    });
    expect(answer.body.paging).toEqual({ cursors: { before: expect.any(String), after: expect.any(String) } });
  });

  it('honours fields, pages with limit, and refuses unknown fields', async () => {
    const first = await t.call<{ data: Record<string, unknown>[]; paging: { next?: string } }>(
      'GET',
      `/v24.0/${WABA}/phone_numbers?fields=display_phone_number,throughput{level}&limit=1`,
    );
    expect(first.body.data).toEqual([{ display_phone_number: '+1 555-010-0001', throughput: { level: 'STANDARD' }, id: PHONE }]);
    expect(first.body.paging.next).toBeDefined();
    const next = await t.call<{ data: { id: string }[] }>('GET', new URL(first.body.paging.next ?? '').pathname + new URL(first.body.paging.next ?? '').search);
    expect(next.body.data.map((phone) => phone.id)).toEqual([PHONE_2]);

    const bad = await t.call('GET', `/v24.0/${WABA}/phone_numbers?fields=nope`);
    expect(bad.status).toBe(400);
    expect(bad.body).toMatchObject({ error: { code: 100, error_data: { details: expect.stringContaining('nonexisting field (nope)') } } });
  });

  it('reads one number by id and refuses a WABA the token does not cover', async () => {
    const one = await t.call('GET', `/v24.0/${PHONE_2}?fields=quality_rating,is_pin_enabled`);
    expect(one.body).toEqual({ quality_rating: 'YELLOW', is_pin_enabled: true, id: PHONE_2 });
    const foreign = t.sim.addToken({ appId: APP, scopes: ['whatsapp_business_management'], wabaIds: [] });
    expect((await t.call('GET', `/v24.0/${WABA}/phone_numbers`, { token: foreign.token })).body).toMatchObject({ error: { code: 100 } });
    expect((await t.call('GET', `/v24.0/${PHONE}`, { token: foreign.token })).body).toMatchObject({ error: { code: 100 } });
    expect((await t.call('GET', '/v24.0/2999999999999999/phone_numbers')).body).toMatchObject({ error: { code: 100 } });
  });

  it('registers with a 6-digit PIN; a number with a PIN needs that PIN (133005)', async () => {
    const register = (phone: string, pin: unknown) =>
      t.call('POST', `/v24.0/${phone}/register`, { body: { messaging_product: 'whatsapp', pin } });

    expect((await register(PHONE, '12345')).body).toMatchObject({ error: { code: 100 } });
    expect((await t.call('POST', `/v24.0/${PHONE}/register`, { body: { pin: '123456' } })).body).toMatchObject({ error: { code: 131008 } });

    const wrong = await register(PHONE_2, '000000');
    expect(wrong.status).toBe(400);
    expect(wrong.body).toMatchObject({ error: { code: 133005, message: '(#133005) Two step verification PIN Mismatch' } });
    expect((await register(PHONE_2, '123456')).body).toEqual({ success: true });

    // The first registration sets the PIN of a number that had none.
    await t.sim.updatePhoneNumber(PHONE, { registered: false });
    expect((await register(PHONE, '654321')).body).toEqual({ success: true });
    expect((await register(PHONE, '111111')).body).toMatchObject({ error: { code: 133005 } });
  });

  it('lists, subscribes and unsubscribes the app on the WABA', async () => {
    const list = () => t.call<{ data: unknown[] }>('GET', `/v24.0/${WABA}/subscribed_apps`);
    expect((await list()).body).toEqual({
      data: [{ whatsapp_business_api_data: { id: APP, link: expect.any(String), name: 'Switchboard Sandbox' } }],
    });
    expect((await t.call('DELETE', `/v24.0/${WABA}/subscribed_apps`)).body).toEqual({ success: true });
    expect((await list()).body).toEqual({ data: [] });
    expect((await t.call('POST', `/v24.0/${WABA}/subscribed_apps`)).body).toEqual({ success: true });
    expect((await list()).body.data).toHaveLength(1);
  });

  it('posts phone_number_quality_update when quality, tier or throughput change', async () => {
    const upgraded = await t.sim.updatePhoneNumber(PHONE, { messagingLimit: 'TIER_10K' });
    expect(upgraded.webhooks[0].statusCode).toBe(200);
    await t.sim.updatePhoneNumber(PHONE, { throughputLevel: 'HIGH' });
    const flagged = await t.call('PATCH', `/_sim/phone-numbers/${PHONE}`, { token: null, body: { qualityRating: 'RED' } });
    expect(flagged.status).toBe(200);
    const values = receiver.received.map((webhook) => webhook.body.entry[0].changes[0]);
    expect(values.map((change) => change.field)).toEqual(['phone_number_quality_update', 'phone_number_quality_update', 'phone_number_quality_update']);
    expect(values.map((change) => change.value['event'])).toEqual(['UPGRADE', 'THROUGHPUT_UPGRADE', 'FLAGGED']);
    expect(values[0].value).toEqual({
      display_phone_number: '15550100001',
      event: 'UPGRADE',
      current_limit: 'TIER_10K',
      old_limit: 'TIER_2K',
      max_daily_conversations_per_business: 'TIER_10K',
    });
    const read = await t.call('GET', `/v24.0/${PHONE}?fields=quality_rating,throughput`);
    expect(read.body).toEqual({ quality_rating: 'RED', throughput: { level: 'HIGH' }, id: PHONE });
  });
});
