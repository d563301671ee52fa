import { createHash } from 'node:crypto';
import { FormData, request } from 'undici';
import { APP, PHONE, PHONE_2, TOKEN, USER, startSimulator, type TestSimulator } from '../testing/sim-test.helpers';

const PNG = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.from('fake png body')]);
const JPEG = Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), Buffer.from('fake jpeg body')]);

describe('media', () => {
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

  async function upload(bytes: Buffer, type: string, options: { phone?: string; product?: string | null; filename?: string } = {}) {
    const form = new FormData();
    if (options.product !== null) form.append('messaging_product', options.product ?? 'whatsapp');
    form.append('type', type);
    form.append('file', new Blob([bytes], { type }), options.filename ?? 'file.bin');
    const response = await request(`${t.url}/v24.0/${options.phone ?? PHONE}/media`, {
      method: 'POST',
      headers: { authorization: `Bearer ${TOKEN}` },
      body: form,
    });
    return { status: response.statusCode, body: (await response.body.json()) as Record<string, unknown> };
  }

  it('uploads, describes, downloads and deletes a file', async () => {
    const uploaded = await upload(PNG, 'image/png', { filename: 'logo.png' });
    expect(uploaded.status).toBe(200);
    expect(uploaded.body).toEqual({ id: expect.stringMatching(/^\d+$/) });
    const id = String(uploaded.body['id']);

    const described = await t.call<Record<string, unknown>>('GET', `/v24.0/${id}?phone_number_id=${PHONE}`);
    expect(described.body).toEqual({
      messaging_product: 'whatsapp',
      url: expect.stringContaining('/whatsapp_business/attachments/?mid='),
      mime_type: 'image/png',
      sha256: createHash('sha256').update(PNG).digest('hex'),
      file_size: PNG.length,
      id,
    });

    const url = String(described.body['url']);
    const download = await request(url, { headers: { authorization: `Bearer ${TOKEN}` } });
    expect(download.statusCode).toBe(200);
    expect(download.headers['content-type']).toBe('image/png');
    expect(Buffer.from(await download.body.arrayBuffer())).toEqual(PNG);

    const anonymous = await request(url);
    expect(anonymous.statusCode).toBe(401);
    await anonymous.body.dump();

    // Media URLs expire after 5 minutes; a fresh GET gives a new one.
    clock += 5 * 60 * 1000 + 1;
    const expired = await request(url, { headers: { authorization: `Bearer ${TOKEN}` } });
    expect(expired.statusCode).toBe(404);
    await expired.body.dump();

    expect((await t.call('GET', `/v24.0/${id}?phone_number_id=${PHONE_2}`)).body).toMatchObject({ error: { code: 100 } });
    expect((await t.call('DELETE', `/v24.0/${id}`)).body).toEqual({ success: true });
    expect((await t.call('GET', `/v24.0/${id}`)).body).toMatchObject({ error: { code: 100 } });
    expect((await t.call('DELETE', `/v24.0/${id}`)).body).toMatchObject({ error: { code: 100 } });
  });

  it('lets an uploaded id be sent, and keeps media invisible to other businesses', async () => {
    const { body } = await upload(JPEG, 'image/jpeg');
    await t.sim.simulateInbound({ phoneNumberId: PHONE, from: USER });
    expect((await t.send({ to: USER, type: 'image', image: { id: body['id'] } })).status).toBe(200);

    const foreign = t.sim.addToken({ appId: APP, scopes: ['whatsapp_business_messaging'], wabaIds: [] });
    expect((await t.call('GET', `/v24.0/${String(body['id'])}`, { token: foreign.token })).body).toMatchObject({ error: { code: 100 } });
  });

  it('refuses unsupported types, oversized files and content that contradicts its type (131053)', async () => {
    expect((await upload(Buffer.from('MZ...'), 'application/x-msdownload')).body).toMatchObject({ error: { code: 131053 } });
    expect((await upload(Buffer.alloc(600 * 1024, 1), 'image/webp')).body).toMatchObject({ error: { code: 131053 } });
    const mismatch = await upload(JPEG, 'image/png');
    expect(mismatch.status).toBe(400);
    expect(mismatch.body).toMatchObject({ error: { code: 131053, error_data: { details: expect.stringContaining('MIME type mismatch') } } });
  });

  it('requires messaging_product and a file part', async () => {
    expect((await upload(PNG, 'image/png', { product: null })).body).toMatchObject({ error: { code: 131008 } });
    const noFile = await t.call('POST', `/v24.0/${PHONE}/media`, { body: { messaging_product: 'whatsapp' } });
    expect(noFile.body).toMatchObject({ error: { code: 131008 } });
  });
});
