import { USER, WABA, startSimulator, startWebhookReceiver, type TestSimulator, type WebhookReceiver } from '../testing/sim-test.helpers';

type TemplatePage = {
  data: { id: string; name: string; language: string; status: string; category: string; components?: unknown[] }[];
  paging?: { cursors: { before: string; after: string }; next?: string; previous?: string };
};

describe('message templates', () => {
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

  const list = (query = '') => t.call<TemplatePage>('GET', `/v24.0/${WABA}/message_templates${query}`);
  const pathOf = (url: string) => {
    const parsed = new URL(url);
    return `${parsed.pathname}${parsed.search}`;
  };
  const create = (body: Record<string, unknown>) => t.call('POST', `/v24.0/${WABA}/message_templates`, { body });
  const validBody = (name: string, extra: Record<string, unknown> = {}) => ({
    name,
    language: 'en_US',
    category: 'UTILITY',
    components: [{ type: 'BODY', text: 'Your code {{1}} expires in ten minutes.', example: { body_text: [['123']] } }],
    ...extra,
  });

  it('lists templates with Meta default fields (limit 25) and honours fields', async () => {
    const all = await list();
    expect(all.status).toBe(200);
    expect(all.body.data).toHaveLength(8);
    expect(all.body.data[0]).toEqual({
      name: 'hello_world',
      parameter_format: 'POSITIONAL',
      components: expect.any(Array),
      language: 'en_US',
      status: 'APPROVED',
      category: 'UTILITY',
      id: '4000000000000001',
    });
    expect(all.body.paging?.next).toBeUndefined();
    const slim = await list('?fields=name,status,quality_score');
    expect(slim.body.data[4]).toEqual({ name: 'summer_sale', status: 'PAUSED', quality_score: { score: 'RED', date: 0 }, id: '4000000000000005' });
  });

  it('walks every page with cursors, forwards and backwards', async () => {
    const seen: string[] = [];
    let page = await list('?limit=3&fields=name');
    const pages: TemplatePage[] = [page.body];
    seen.push(...page.body.data.map((template) => template.id));
    while (page.body.paging?.next) {
      page = await t.call<TemplatePage>('GET', pathOf(page.body.paging.next));
      pages.push(page.body);
      seen.push(...page.body.data.map((template) => template.id));
    }
    expect(pages.map((body) => body.data.length)).toEqual([3, 3, 2]);
    expect(new Set(seen).size).toBe(8);
    expect(pages[0].paging?.previous).toBeUndefined();
    const back = await t.call<TemplatePage>('GET', pathOf(pages[2].paging?.previous ?? ''));
    expect(back.body.data.map((template) => template.id)).toEqual(pages[1].data.map((template) => template.id));
    const after = await list(`?limit=2&after=${pages[0].paging?.cursors.after ?? ''}`);
    expect(after.body.data[0].id).toBe(pages[1].data[0].id);
    expect((await list('?limit=abc')).body).toMatchObject({ error: { code: 100 } });
  });

  it('filters by status, category, language and name', async () => {
    expect((await list('?status=APPROVED')).body.data.every((template) => template.status === 'APPROVED')).toBe(true);
    expect((await list('?category=MARKETING')).body.data.map((template) => template.name).sort()).toEqual(['flash_promo', 'summer_sale']);
    expect((await list('?language=es')).body.data.map((template) => template.name)).toEqual(['order_update']);
    expect((await list('?name=order')).body.data).toHaveLength(2);
  });

  it('creates a template as PENDING, then approves it through the control API with a status webhook', async () => {
    const created = await create(validBody('otp_notice'));
    expect(created.status).toBe(200);
    const { id } = created.body as { id: string };
    expect(created.body).toEqual({ id: expect.stringMatching(/^\d+$/), status: 'PENDING', category: 'UTILITY' });

    const send = () => t.send({ to: USER, type: 'template', template: { name: 'otp_notice', language: { code: 'en_US' } , components: [{ type: 'body', parameters: [{ type: 'text', text: '1' }] }] } });
    expect((await send()).body).toMatchObject({ error: { code: 132001 } });

    const approved = await t.call('POST', `/_sim/templates/${id}/status`, { token: null, body: { status: 'APPROVED' } });
    expect(approved.status).toBe(200);
    const firstUpdate = receiver.received.find((webhook) => webhook.body.entry[0].changes[0].field === 'message_template_status_update');
    expect(firstUpdate?.body.entry[0]).toMatchObject({
      id: WABA,
      time: expect.any(Number),
      changes: [
        {
          field: 'message_template_status_update',
          value: {
            event: 'APPROVED',
            message_template_id: Number(id),
            message_template_name: 'otp_notice',
            message_template_language: 'en_US',
            reason: 'NONE',
            message_template_category: 'UTILITY',
          },
        },
      ],
    });
    expect((await send()).status).toBe(200);

    const templateUpdates = () =>
      receiver.received
        .map((webhook) => webhook.body.entry[0].changes[0])
        .filter((change) => change.field === 'message_template_status_update')
        .map((change) => change.value);
    await t.sim.setTemplateStatus(id, { status: 'REJECTED', reason: 'INVALID_FORMAT' });
    expect(templateUpdates()[1]).toMatchObject({ event: 'REJECTED', reason: 'INVALID_FORMAT' });
    await t.sim.setTemplateStatus(id, { status: 'PAUSED' });
    expect(templateUpdates()[2]).toMatchObject({ event: 'PAUSED', other_info: { title: 'FIRST_PAUSE' } });
  });

  it('auto-approves created templates when configured', async () => {
    t.sim.configure({ autoApproveTemplates: true, templateReviewDelayMs: 20 });
    const created = await create(validBody('auto_ok'));
    expect(created.body).toMatchObject({ status: 'PENDING' });
    // Filtered by field: a status webhook of the previous test may still be in flight.
    const approvals = () =>
      receiver.received
        .map((webhook) => webhook.body.entry[0].changes[0])
        .filter((change) => change.field === 'message_template_status_update');
    await receiver.waitFor(() => approvals().length === 1);
    expect(approvals()[0]?.value).toMatchObject({ event: 'APPROVED', message_template_name: 'auto_ok' });
    expect((await list('?name=auto_ok')).body.data[0].status).toBe('APPROVED');
  });

  it('creates named-parameter templates with examples', async () => {
    const created = await create({
      name: 'named_ok',
      language: 'en_US',
      category: 'MARKETING',
      parameter_format: 'named',
      components: [
        { type: 'HEADER', format: 'TEXT', text: 'Hello {{first_name}}', example: { header_text_named_params: [{ param_name: 'first_name', example: 'Ana' }] } },
        {
          type: 'BODY',
          text: 'Your order {{order_id}} ships today, thanks for shopping.',
          example: { body_text_named_params: [{ param_name: 'order_id', example: '42' }] },
        },
        { type: 'FOOTER', text: 'Reply STOP to opt out' },
        { type: 'BUTTONS', buttons: [{ type: 'QUICK_REPLY', text: 'Stop' }, { type: 'URL', text: 'Open', url: 'https://example.com/{{1}}' }] },
      ],
    });
    expect(created.body).toMatchObject({ status: 'PENDING', category: 'MARKETING' });
  });

  it.each([
    ['an invalid name', validBody('Bad-Name'), 100, undefined],
    ['an unknown category', validBody('x1', { category: 'PROMO' }), 100, undefined],
    ['a bad language code', validBody('x2', { language: 'english' }), 100, undefined],
    ['no body', validBody('x3', { components: [{ type: 'FOOTER', text: 'f' }] }), 100, undefined],
    ['a missing name', { language: 'en_US', category: 'UTILITY', components: [] }, 131008, undefined],
    [
      'a parameter at the end',
      validBody('x4', { components: [{ type: 'BODY', text: 'Your code is {{1}}', example: { body_text: [['1']] } }] }),
      100,
      2388299,
    ],
    [
      'non-sequential parameters',
      validBody('x5', { components: [{ type: 'BODY', text: 'Hi {{1}}, code {{3}} today.', example: { body_text: [['a', 'b']] } }] }),
      100,
      2388043,
    ],
    [
      'missing examples',
      validBody('x6', { components: [{ type: 'BODY', text: 'Hi {{1}}, your code is ready.' }] }),
      100,
      2388043,
    ],
    [
      'a too long footer',
      validBody('x7', { components: [{ type: 'BODY', text: 'Hello there friend.' }, { type: 'FOOTER', text: 'x'.repeat(61) }] }),
      100,
      2388072,
    ],
    [
      'scattered quick replies',
      validBody('x8', {
        components: [
          { type: 'BODY', text: 'Hello there friend.' },
          {
            type: 'BUTTONS',
            buttons: [{ type: 'QUICK_REPLY', text: 'A' }, { type: 'URL', text: 'U', url: 'https://e.com' }, { type: 'QUICK_REPLY', text: 'B' }],
          },
        ],
      }),
      100,
      2388073,
    ],
  ])('refuses %s', async (_name, body, code, subcode) => {
    const answer = await create(body);
    expect(answer.status).toBe(400);
    expect(answer.body).toMatchObject({ error: { code, ...(subcode !== undefined && { error_subcode: subcode }) } });
  });

  it('refuses a second template with the same name and language (2388024) but allows another language', async () => {
    expect((await create(validBody('hello_world'))).body).toMatchObject({ error: { code: 100, error_subcode: 2388024 } });
    expect((await create(validBody('hello_world', { language: 'pt_BR' }))).status).toBe(200);
  });

  it('deletes by name (all languages) or by name and hsm_id (one), with status webhooks', async () => {
    expect((await t.call('DELETE', `/v24.0/${WABA}/message_templates?name=order_update&hsm_id=4000000000000003`)).body).toEqual({ success: true });
    expect((await list('?name=order_update')).body.data.map((template) => template.language)).toEqual(['en_US']);
    expect((await t.call('DELETE', `/v24.0/${WABA}/message_templates?name=order_update`)).body).toEqual({ success: true });
    expect((await list('?name=order_update')).body.data).toHaveLength(0);
    expect((await t.call('DELETE', `/v24.0/${WABA}/message_templates?name=order_update`)).body).toMatchObject({ error: { code: 100 } });
    expect((await t.call('DELETE', `/v24.0/${WABA}/message_templates`)).body).toMatchObject({ error: { code: 131008 } });
    await receiver.waitFor((all) => all.length === 2);
    expect(receiver.received.map((webhook) => webhook.body.entry[0].changes[0].value['event'])).toEqual(['PENDING_DELETION', 'PENDING_DELETION']);
  });

  it('reads one template by id', async () => {
    const answer = await t.call('GET', '/v24.0/4000000000000004?fields=name,status,parameter_format');
    expect(answer.body).toEqual({ name: 'appointment_reminder', status: 'APPROVED', parameter_format: 'NAMED', id: '4000000000000004' });
  });
});
