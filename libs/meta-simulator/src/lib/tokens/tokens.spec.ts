import { APP, APP_SECRET, PHONE, TOKEN, USER, WABA, startSimulator, type TestSimulator } from '../testing/sim-test.helpers';

describe('tokens', () => {
  let t: TestSimulator;
  let clock = Date.now();

  beforeAll(async () => {
    t = await startSimulator({ now: () => clock });
  });
  afterAll(async () => {
    await t.close();
  });
  beforeEach(() => {
    clock = Date.now();
    t.sim.reset();
  });

  const appToken = `${APP}|${APP_SECRET}`;
  const debug = (input: string, caller: string | null = appToken, version = '/v24.0') =>
    t.call('GET', `${version}/debug_token?input_token=${encodeURIComponent(input)}`, { token: caller });

  describe('GET /debug_token', () => {
    it('describes a valid, never-expiring system-user token with granular scopes', async () => {
      const answer = await debug(TOKEN);
      expect(answer.status).toBe(200);
      expect(answer.body).toEqual({
        data: {
          app_id: APP,
          type: 'SYSTEM_USER',
          application: 'Switchboard Sandbox',
          data_access_expires_at: 0,
          expires_at: 0,
          is_valid: true,
          issued_at: expect.any(Number),
          scopes: ['whatsapp_business_messaging', 'whatsapp_business_management', 'business_management', 'public_profile'],
          granular_scopes: [
            { scope: 'whatsapp_business_messaging', target_ids: [WABA] },
            { scope: 'whatsapp_business_management', target_ids: [WABA] },
            { scope: 'business_management' },
          ],
          user_id: '1000000000000101',
        },
      });
    });

    it('accepts the caller token as access_token, as a Bearer header, and without a version', async () => {
      expect((await t.call('GET', `/v24.0/debug_token?input_token=${TOKEN}&access_token=${encodeURIComponent(appToken)}`, { token: null })).body).toMatchObject({
        data: { is_valid: true },
      });
      expect((await debug(TOKEN, TOKEN)).body).toMatchObject({ data: { is_valid: true } });
      expect((await debug(TOKEN, appToken, '')).body).toMatchObject({ data: { is_valid: true } });
    });

    it('answers is_valid:false with an error for unknown and expired tokens', async () => {
      expect((await debug('sim-token-unknown')).body).toEqual({
        data: { error: { code: 190, message: 'Invalid OAuth access token - Cannot parse access token' }, is_valid: false, scopes: [] },
      });
      const expiring = t.sim.addToken({ appId: APP, scopes: ['whatsapp_business_messaging'], wabaIds: [WABA], expiresAt: Math.floor(clock / 1000) + 60 });
      expect((await debug(expiring.token)).body).toMatchObject({ data: { is_valid: true, expires_at: expiring.expiresAt } });
      clock += 61_000;
      expect((await debug(expiring.token)).body).toMatchObject({
        data: { is_valid: false, expires_at: expiring.expiresAt, error: { code: 190, message: expect.stringMatching(/Session has expired/) } },
      });
      // ...and the expired token no longer sends.
      const send = await t.send({ to: USER, type: 'template', template: { name: 'hello_world', language: { code: 'en_US' } } }, { token: expiring.token });
      expect(send.status).toBe(401);
    });

    it('refuses callers without an app token or valid token', async () => {
      const none = await debug(TOKEN, null);
      expect(none.status).toBe(400);
      expect(none.body).toMatchObject({ error: { code: 100 } });
      const wrongSecret = await debug(TOKEN, `${APP}|not-the-secret`);
      expect(wrongSecret.status).toBe(401);
      expect(wrongSecret.body).toMatchObject({ error: { code: 190 } });
      const missingInput = await t.call('GET', '/v24.0/debug_token', { token: appToken });
      expect(missingInput.body).toMatchObject({ error: { code: 100 } });
    });
  });

  describe('GET /oauth/access_token (fb_exchange_token)', () => {
    const exchange = (params: Record<string, string>, prefix = '') =>
      t.call('GET', `${prefix}/oauth/access_token?${new URLSearchParams(params).toString()}`, { token: null });
    const valid = {
      grant_type: 'fb_exchange_token',
      client_id: APP,
      client_secret: APP_SECRET,
      fb_exchange_token: TOKEN,
      set_token_expires_in_60_days: 'true',
    };

    it('issues a new 60-day token with the same scopes and WABAs; the old one keeps working', async () => {
      const answer = await exchange(valid);
      expect(answer.status).toBe(200);
      const body = answer.body as { access_token: string; token_type: string; expires_in: number };
      expect(body).toEqual({ access_token: expect.stringMatching(/^sim-token-/), token_type: 'bearer', expires_in: 5184000 });
      expect(body.access_token).not.toBe(TOKEN);

      const described = (await debug(body.access_token)).body as { data: Record<string, unknown> };
      expect(described.data).toMatchObject({
        is_valid: true,
        expires_at: Math.floor(clock / 1000) + 5184000,
        granular_scopes: expect.arrayContaining([{ scope: 'whatsapp_business_messaging', target_ids: [WABA] }]),
      });
      const send = await t.send({ to: USER, type: 'template', template: { name: 'hello_world', language: { code: 'en_US' } } }, { token: body.access_token });
      expect(send.status).toBe(200);
      expect((await debug(TOKEN)).body).toMatchObject({ data: { is_valid: true } });
      expect((await exchange(valid, '/v24.0')).status).toBe(200);
    });

    it('refuses a wrong secret, an unknown app, an invalid token and other grant types', async () => {
      expect((await exchange({ ...valid, client_secret: 'nope' })).body).toMatchObject({ error: { code: 1 } });
      expect((await exchange({ ...valid, client_id: '1999999999999999' })).body).toMatchObject({ error: { code: 101 } });
      expect((await exchange({ ...valid, fb_exchange_token: 'sim-token-unknown' })).body).toMatchObject({ error: { code: 190 } });
      expect((await exchange({ ...valid, grant_type: 'client_credentials' })).body).toMatchObject({ error: { code: 100 } });
    });

    it('never records secrets or tokens in the request log', async () => {
      await exchange(valid);
      await debug(TOKEN);
      const recorded = JSON.stringify(t.sim.requests());
      expect(recorded).not.toContain(APP_SECRET);
      expect(recorded).not.toContain(TOKEN);
      expect(recorded).toContain('[redacted]');
    });
  });

  it('requires whatsapp_business_management for management routes (200)', async () => {
    const messagingOnly = t.sim.addToken({ appId: APP, scopes: ['whatsapp_business_messaging'], wabaIds: [WABA] });
    for (const path of [`/v24.0/${WABA}/phone_numbers`, `/v24.0/${WABA}/message_templates`, `/v24.0/${WABA}/subscribed_apps`, `/v24.0/${PHONE}`]) {
      const answer = await t.call('GET', path, { token: messagingOnly.token });
      expect(answer.status).toBe(403);
      expect(answer.body).toMatchObject({ error: { code: 200 } });
    }
  });
});
