import { PHONE, PHONE_2, USER, WABA, startSimulator, type TestSimulator } from '../testing/sim-test.helpers';

type ErrorBody = {
  error: { message: string; type: string; code: number; error_data: { messaging_product: string; details: string }; fbtrace_id: string };
};

function errorOf(answer: { body: unknown }): ErrorBody['error'] {
  return (answer.body as ErrorBody).error;
}

describe('POST /:version/:phoneNumberId/messages', () => {
  let t: TestSimulator;

  beforeAll(async () => {
    t = await startSimulator();
  });
  afterAll(async () => {
    await t.close();
  });
  beforeEach(() => {
    t.sim.reset();
    t.sim.configure({ statusDelaysMs: { sent: 5, delivered: 10, read: 15 } });
  });

  const openWindow = (from = USER, phoneNumberId = PHONE) => t.sim.simulateInbound({ phoneNumberId, from, text: 'hi' });

  describe('authentication and ownership', () => {
    it('answers 190 with 401 when the token is missing, unknown or expired', async () => {
      const missing = await t.send({ to: USER, type: 'text', text: { body: 'x' } }, { token: null });
      expect(missing.status).toBe(401);
      expect(errorOf(missing)).toMatchObject({ code: 190, type: 'OAuthException', error_data: { messaging_product: 'whatsapp' } });
      expect(errorOf(missing).message).toMatch(/^\(#190\) /);
      expect(errorOf(missing).fbtrace_id).toEqual(expect.any(String));

      const unknown = await t.send({ to: USER, type: 'text', text: { body: 'x' } }, { token: 'sim-token-nope' });
      expect(unknown.status).toBe(401);
      expect(errorOf(unknown).code).toBe(190);

      const expired = t.sim.addToken({
        appId: '1000000000000001',
        scopes: ['whatsapp_business_messaging'],
        wabaIds: [WABA],
        expiresAt: Math.floor(Date.now() / 1000) - 60,
      });
      const answer = await t.send({ to: USER, type: 'text', text: { body: 'x' } }, { token: expired.token });
      expect(answer.status).toBe(401);
      expect(errorOf(answer).code).toBe(190);
      expect(errorOf(answer).error_data.details).toMatch(/Session has expired/);
    });

    it('answers 10 with 403 when the token lacks whatsapp_business_messaging', async () => {
      const management = t.sim.addToken({ appId: '1000000000000001', scopes: ['whatsapp_business_management'], wabaIds: [WABA] });
      const answer = await t.send({ to: USER, type: 'template', template: { name: 'hello_world', language: { code: 'en_US' } } }, { token: management.token });
      expect(answer.status).toBe(403);
      expect(errorOf(answer).code).toBe(10);
    });

    it('answers 100 for a number that does not exist or belongs to a WABA the token does not cover', async () => {
      const missing = await t.send({ to: USER, type: 'text', text: { body: 'x' } }, { phone: '3999999999999999' });
      expect(missing.status).toBe(400);
      expect(errorOf(missing).code).toBe(100);
      expect(errorOf(missing).error_data.details).toMatch(/does not exist, cannot be loaded due to missing permissions/);

      const otherWaba = t.sim.addToken({ appId: '1000000000000001', scopes: ['whatsapp_business_messaging'], wabaIds: [] });
      const foreign = await t.send({ to: USER, type: 'text', text: { body: 'x' } }, { token: otherWaba.token });
      expect(errorOf(foreign).code).toBe(100);
    });

    it('answers 133010 while the number is not registered', async () => {
      await t.sim.updatePhoneNumber(PHONE, { registered: false });
      const answer = await t.send({ to: USER, type: 'template', template: { name: 'hello_world', language: { code: 'en_US' } } });
      expect(errorOf(answer).code).toBe(133010);
    });

    it('rejects a path whose version segment is not a Graph version', async () => {
      const answer = await t.call('POST', `/latest/${PHONE}/messages`, { body: {} });
      expect(answer.status).toBe(400);
      expect(errorOf(answer).code).toBe(2500);
    });
  });

  describe('request validation', () => {
    it('answers 131008 when a required parameter is missing', async () => {
      await openWindow();
      const noBody = await t.send({ to: USER, type: 'text', text: {} });
      expect(noBody.status).toBe(400);
      expect(errorOf(noBody).code).toBe(131008);
      expect(errorOf(noBody).error_data.details).toBe("The parameter text['body'] is required.");

      const noObject = await t.send({ to: USER, type: 'image' });
      expect(errorOf(noObject).code).toBe(131008);

      const noTo = await t.send({ type: 'text', text: { body: 'x' } });
      expect(errorOf(noTo)).toMatchObject({ code: 131008, error_data: { details: 'The parameter to is required.' } });

      const noMedia = await t.send({ to: USER, type: 'image', image: { caption: 'c' } });
      expect(errorOf(noMedia).code).toBe(131008);
    });

    it('answers 100 Invalid parameter with details for values Meta refuses', async () => {
      await openWindow();
      const long = await t.send({ to: USER, type: 'text', text: { body: 'x'.repeat(4097) } });
      expect(errorOf(long)).toMatchObject({ code: 100, message: '(#100) Invalid parameter' });
      expect(errorOf(long).error_data.details).toBe("Param text['body'] must be at most 4096 characters long");

      const badType = await t.send({ to: USER, type: 'poll', poll: {} });
      expect(errorOf(badType).code).toBe(100);

      const product = await t.call('POST', `/v24.0/${PHONE}/messages`, { body: { messaging_product: 'sms', to: USER, text: { body: 'x' } } });
      expect(errorOf(product).code).toBe(100);

      const fourButtons = await t.send({
        to: USER,
        type: 'interactive',
        interactive: {
          type: 'button',
          body: { text: 'Pick' },
          action: { buttons: ['a', 'b', 'c', 'd'].map((id) => ({ type: 'reply', reply: { id, title: id } })) },
        },
      });
      expect(errorOf(fourButtons).code).toBe(100);
      expect(errorOf(fourButtons).error_data.details).toMatch(/buttons'\] must have at most 3 elements/);

      const longTitle = await t.send({
        to: USER,
        type: 'interactive',
        interactive: { type: 'button', body: { text: 'Pick' }, action: { buttons: [{ type: 'reply', reply: { id: 'a', title: 'x'.repeat(21) } }] } },
      });
      expect(errorOf(longTitle).code).toBe(100);

      const elevenRows = await t.send({
        to: USER,
        type: 'interactive',
        interactive: {
          type: 'list',
          body: { text: 'Pick' },
          action: {
            button: 'Options',
            sections: [
              { title: 'A', rows: Array.from({ length: 6 }, (_, i) => ({ id: `a${i}`, title: `A${i}` })) },
              { title: 'B', rows: Array.from({ length: 5 }, (_, i) => ({ id: `b${i}`, title: `B${i}` })) },
            ],
          },
        },
      });
      expect(errorOf(elevenRows).code).toBe(100);
      expect(errorOf(elevenRows).error_data.details).toMatch(/at most 10 rows/);

      const caption = await t.send({ to: USER, type: 'image', image: { link: 'https://example.com/a.png', caption: 'x'.repeat(1025) } });
      expect(errorOf(caption).code).toBe(100);
    });

    it('answers 131021 when the recipient is the sending number itself', async () => {
      const answer = await t.send({ to: '+1 555-010-0001', type: 'template', template: { name: 'hello_world', language: { code: 'en_US' } } });
      expect(errorOf(answer).code).toBe(131021);
    });

    it('accepts form-encoded bodies as Graph does', async () => {
      const answer = await t.call('POST', `/v24.0/${PHONE}/messages`, {
        rawBody: new URLSearchParams({
          messaging_product: 'whatsapp',
          to: USER,
          type: 'template',
          template: JSON.stringify({ name: 'hello_world', language: { code: 'en_US' } }),
        }).toString(),
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
      });
      expect(answer.status).toBe(200);
    });

    it('answers malformed JSON with 100', async () => {
      const answer = await t.call('POST', `/v24.0/${PHONE}/messages`, { rawBody: '{"to":', headers: { 'content-type': 'application/json' } });
      expect(answer.status).toBe(400);
      expect(errorOf(answer).code).toBe(100);
    });
  });

  describe('the 24 hour customer service window', () => {
    it('refuses free-form messages with 131047 until the user writes, then accepts them', async () => {
      const before = await t.send({ to: USER, type: 'text', text: { body: 'Hello' } });
      expect(before.status).toBe(400);
      expect(errorOf(before).code).toBe(131047);
      expect(errorOf(before).message).toBe('(#131047) Re-engagement message');

      await openWindow();
      const after = await t.send({ to: USER, type: 'text', text: { body: 'Hello' } });
      expect(after.status).toBe(200);
      expect(after.body).toEqual({
        messaging_product: 'whatsapp',
        contacts: [{ input: USER, wa_id: USER }],
        messages: [{ id: expect.stringMatching(/^wamid\./) }],
      });
    });

    it('keeps the window per business number and per user', async () => {
      await openWindow(USER, PHONE);
      expect(errorOf(await t.send({ to: USER, type: 'text', text: { body: 'x' } }, { phone: PHONE_2 })).code).toBe(131047);
      expect(errorOf(await t.send({ to: '15551230002', type: 'text', text: { body: 'x' } })).code).toBe(131047);
    });

    it('treats an inbound message older than 24 h as a closed window', async () => {
      await t.sim.simulateInbound({ phoneNumberId: PHONE, from: USER, timestamp: Math.floor(Date.now() / 1000) - 25 * 3600 });
      expect(errorOf(await t.send({ to: USER, type: 'text', text: { body: 'x' } })).code).toBe(131047);
      await t.sim.simulateInbound({ phoneNumberId: PHONE, from: USER, timestamp: Math.floor(Date.now() / 1000) - 23 * 3600 });
      expect((await t.send({ to: USER, type: 'text', text: { body: 'x' } })).status).toBe(200);
    });

    it('lets templates through without a window', async () => {
      const answer = await t.send({ to: '+1 (555) 123-0009', type: 'template', template: { name: 'hello_world', language: { code: 'en_US' } } });
      expect(answer.status).toBe(200);
      expect(answer.body).toEqual({
        messaging_product: 'whatsapp',
        contacts: [{ input: '+1 (555) 123-0009', wa_id: '15551230009' }],
        messages: [{ id: expect.stringMatching(/^wamid\./), message_status: 'accepted' }],
      });
    });
  });

  describe('every message type of the send API', () => {
    const link = 'https://example.com/file';
    const cases: [string, Record<string, unknown>][] = [
      ['text', { type: 'text', text: { body: 'Hi https://example.com', preview_url: true } }],
      ['text without type (Meta defaults to text)', { text: { body: 'Hi' } }],
      ['image', { type: 'image', image: { link: `${link}.png`, caption: 'c' } }],
      ['document', { type: 'document', document: { link: `${link}.pdf`, filename: 'a.pdf', caption: 'c' } }],
      ['audio', { type: 'audio', audio: { link: `${link}.ogg`, voice: true } }],
      ['video', { type: 'video', video: { link: `${link}.mp4` } }],
      ['sticker', { type: 'sticker', sticker: { link: `${link}.webp` } }],
      [
        'interactive button',
        {
          type: 'interactive',
          interactive: {
            type: 'button',
            header: { type: 'text', text: 'Header' },
            body: { text: 'Choose' },
            footer: { text: 'Footer' },
            action: { buttons: [{ type: 'reply', reply: { id: 'yes', title: 'Yes' } }, { type: 'reply', reply: { id: 'no', title: 'No' } }] },
          },
        },
      ],
      [
        'interactive list',
        {
          type: 'interactive',
          interactive: {
            type: 'list',
            body: { text: 'Choose' },
            action: { button: 'Options', sections: [{ title: 'S', rows: [{ id: 'r1', title: 'Row 1', description: 'd' }] }] },
          },
        },
      ],
      [
        'interactive cta_url',
        {
          type: 'interactive',
          interactive: {
            type: 'cta_url',
            body: { text: 'Open' },
            action: { name: 'cta_url', parameters: { display_text: 'Open site', url: 'https://example.com' } },
          },
        },
      ],
      ['location', { type: 'location', location: { latitude: 37.44, longitude: -122.16, name: 'Philz', address: '101 Forest Ave' } }],
      ['contacts', { type: 'contacts', contacts: [{ name: { formatted_name: 'Barbara Johnson' }, phones: [{ phone: '+1 940 555 1234' }] }] }],
      ['reply with context', { type: 'text', text: { body: 'Re' }, context: { message_id: 'wamid.previous' } }],
    ];

    it.each(cases)('accepts %s inside the window', async (_name, body) => {
      await openWindow();
      const answer = await t.send({ to: USER, ...body });
      expect(answer.status).toBe(200);
      expect((answer.body as { messages: { id: string; message_status?: string }[] }).messages[0]).toEqual({ id: expect.stringMatching(/^wamid\./) });
    });

    it('accepts a reaction to a received message and marks messages as read', async () => {
      const inbound = await openWindow();
      const reaction = await t.send({ to: USER, type: 'reaction', reaction: { message_id: inbound.id, emoji: '👍' } });
      expect(reaction.status).toBe(200);

      const read = await t.call('POST', `/v24.0/${PHONE}/messages`, {
        body: { messaging_product: 'whatsapp', status: 'read', message_id: inbound.id, typing_indicator: { type: 'text' } },
      });
      expect(read.status).toBe(200);
      expect(read.body).toEqual({ success: true });

      const unknown = await t.call('POST', `/v24.0/${PHONE}/messages`, {
        body: { messaging_product: 'whatsapp', status: 'read', message_id: 'wamid.unknown' },
      });
      expect(errorOf(unknown).code).toBe(100);
    });

    it('gives every accepted message a unique wamid', async () => {
      await openWindow();
      const ids = new Set<string>();
      for (let i = 0; i < 20; i += 1) {
        const answer = await t.send({ to: USER, type: 'text', text: { body: `n${i}` } });
        ids.add((answer.body as { messages: { id: string }[] }).messages[0].id);
      }
      expect(ids.size).toBe(20);
    });
  });

  describe('templates', () => {
    const template = (name: string, code: string, components?: unknown[]) => ({
      to: USER,
      type: 'template',
      template: { name, language: { code }, ...(components && { components }) },
    });
    const body = (...values: string[]) => ({ type: 'body', parameters: values.map((text) => ({ type: 'text', text })) });
    const trackButton = { type: 'button', sub_type: 'url', index: '0', parameters: [{ type: 'text', text: '4521' }] };

    it('sends an approved positional template with matching parameters', async () => {
      const answer = await t.send(template('order_update', 'en_US', [body('John', '#4521'), trackButton]));
      expect(answer.status).toBe(200);
      expect((answer.body as { messages: { message_status: string }[] }).messages[0].message_status).toBe('accepted');
    });

    it('answers 132001 (HTTP 404) for an unknown name, an unknown language, or a template that is not approved', async () => {
      for (const [name, code] of [
        ['no_such_template', 'en_US'],
        ['order_update', 'fr'],
        ['flash_promo', 'en_US'],
        ['welcome_pending', 'en_US'],
      ]) {
        const answer = await t.send(template(name, code, [body('x')]));
        expect(answer.status).toBe(404);
        expect(errorOf(answer).code).toBe(132001);
        expect(errorOf(answer).error_data.details).toBe(`template name (${name}) does not exist in ${code}`);
      }
    });

    it('answers 132015 for a paused template and 132016 for a disabled one', async () => {
      expect(errorOf(await t.send(template('summer_sale', 'en_US'))).code).toBe(132015);
      await t.sim.setTemplateStatus('4000000000000002', { status: 'DISABLED' });
      expect(errorOf(await t.send(template('order_update', 'en_US', [body('a', 'b'), trackButton]))).code).toBe(132016);
    });

    it('answers 132000 when body or header parameter counts differ from the placeholders', async () => {
      const tooFew = await t.send(template('order_update', 'en_US', [body('John'), trackButton]));
      expect(tooFew.status).toBe(400);
      expect(errorOf(tooFew).code).toBe(132000);
      expect(errorOf(tooFew).error_data.details).toBe('body: number of localizable_params (1) does not match the expected number of params (2)');

      expect(errorOf(await t.send(template('order_update', 'en_US', [body('a', 'b', 'c'), trackButton]))).code).toBe(132000);
      expect(errorOf(await t.send(template('hello_world', 'en_US', [body('unexpected')]))).code).toBe(132000);
      expect(errorOf(await t.send(template('hello_world', 'en_US', [{ type: 'header', parameters: [{ type: 'text', text: 'x' }] }]))).code).toBe(132000);
    });

    it('requires the value of a URL button with a variable (131008)', async () => {
      const answer = await t.send(template('order_update', 'en_US', [body('a', 'b')]));
      expect(errorOf(answer).code).toBe(131008);
      expect(errorOf(answer).error_data.details).toMatch(/Button at index 0 of type URL requires a parameter/);
    });

    it('checks named parameters by name', async () => {
      const named = (names: string[]) =>
        template('appointment_reminder', 'en_US', [
          { type: 'header', parameters: [{ type: 'text', parameter_name: 'first_name', text: 'Jessica' }] },
          { type: 'body', parameters: names.map((name) => ({ type: 'text', parameter_name: name, text: 'v' })) },
        ]);
      expect((await t.send(named(['appointment_date', 'doctor_name']))).status).toBe(200);
      expect(errorOf(await t.send(named(['doctor_name']))).code).toBe(132000);
      expect(errorOf(await t.send(named(['doctor_name', 'nickname']))).code).toBe(132000);
    });

    it('answers 132012 when a media header is missing or of another kind', async () => {
      await t.sim.setTemplateStatus('4000000000000005', { status: 'APPROVED' });
      const missing = await t.send(template('summer_sale', 'en_US', [body('Ana', '20%')]));
      expect(errorOf(missing).code).toBe(132012);
      expect(errorOf(missing).error_data.details).toBe('header: Format mismatch, expected IMAGE, received UNKNOWN');
      const ok = await t.send(
        template('summer_sale', 'en_US', [
          { type: 'header', parameters: [{ type: 'image', image: { link: 'https://example.com/a.png' } }] },
          body('Ana', '20%'),
        ]),
      );
      expect(ok.status).toBe(200);
    });
  });
});
