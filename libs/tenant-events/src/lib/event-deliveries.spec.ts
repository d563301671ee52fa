import type { Worker } from 'bullmq';
import { Webhook } from 'standardwebhooks';
import { TenantEventsPublisher } from './tenant-events.publisher';
import { headersOf, startDeliveryWorker, startEventReceiver, startTenantEventsApp, type EventReceiver, type TenantEventsTestApp } from './tenant-events.test-helper';

type Delivery = { id: string; endpointId: string; eventId: string; type: string; status: string; attempts: number; replays: number };
type Page = { data: Delivery[]; nextCursor: string | null };

describe('deliveries API, replay and test event (real Postgres, Redis and worker, a local receiver)', () => {
  let t: TenantEventsTestApp;
  let worker: Worker;
  let receiver: EventReceiver;

  const register = async (path: string, events: string[] = ['message.status']) => {
    const created = await t.call('POST', '/v1/endpoints', t.keys.live, { url: receiver.url(path), events });
    expect(created.status).toBe(201);
    return created.body as { id: string; secret: string };
  };
  const publish = async (count: number) => {
    const publisher = t.app.get(TenantEventsPublisher);
    const ids: string[] = [];
    for (let i = 0; i < count; i += 1) {
      ids.push(...(await t.dataSource.transaction((manager) => publisher.publish(manager, { tenantId: t.tenantId, environment: 'live' }, 'message.status', { messageId: `msg_${i}` }))));
    }
    return ids;
  };
  const stateOf = async (id: string) => ((await t.dataSource.query(`SELECT state FROM event_deliveries WHERE id = $1`, [id])) as Array<{ state: string }>)[0]?.state;
  const until = async (check: () => Promise<boolean>) => {
    const deadline = Date.now() + 10_000;
    while (!(await check())) {
      if (Date.now() > deadline) throw new Error('condition not reached in 10 s');
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  };

  beforeAll(async () => {
    receiver = await startEventReceiver();
    t = await startTenantEventsApp('event_deliveries_api', { allowPrivateTargets: true, retryDelaysMs: [], timeoutMs: 2000 });
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

  it('lists deliveries newest first, page by page with the cursor, filtered by status', async () => {
    const endpoint = await register('/list');
    const ids = await publish(5);
    // Same creation instant for some: the id breaks the tie, so no row is skipped or repeated.
    await t.dataSource.query(`UPDATE event_deliveries SET created_at = '2026-01-01T00:00:00.123456Z' WHERE id = ANY($1)`, [ids.slice(1, 4)]);
    await t.dataSource.query(`UPDATE event_deliveries SET state = 'dead' WHERE id = ANY($1)`, [ids.slice(0, 2)]);

    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const query = `/v1/endpoints/${endpoint.id}/deliveries?limit=2${cursor ? `&cursor=${cursor}` : ''}`;
      const page: { status: number; body: Record<string, unknown> } = await t.call('GET', query, t.keys.live);
      expect(page.status).toBe(200);
      const body = page.body as Page;
      expect(body.data.length).toBeLessThanOrEqual(2);
      seen.push(...body.data.map((delivery) => delivery.id));
      cursor = body.nextCursor;
      pages += 1;
    } while (cursor !== null);
    expect(pages).toBe(3);
    expect(new Set(seen).size).toBe(5);
    const rows = (await t.dataSource.query(`SELECT id FROM event_deliveries ORDER BY created_at DESC, id DESC`)) as Array<{ id: string }>;
    expect(seen).toEqual(rows.map((row) => row.id));

    const dead = (await t.call('GET', `/v1/endpoints/${endpoint.id}/deliveries?status=dead`, t.keys.live)).body as Page;
    expect(dead.data.map((delivery) => delivery.id).sort()).toEqual(ids.slice(0, 2).sort());
    expect(dead.data[0]).toMatchObject({ endpointId: endpoint.id, type: 'message.status', status: 'dead' });

    expect((await t.call('GET', `/v1/endpoints/${endpoint.id}/deliveries?status=lost`, t.keys.live)).status).toBe(400);
    expect((await t.call('GET', `/v1/endpoints/${endpoint.id}/deliveries?cursor=nope`, t.keys.live)).status).toBe(400);
  });

  it('is scoped to the tenant and environment: another environment or tenant gets 404 on list, replay and test', async () => {
    const endpoint = await register('/scoped');
    const [deliveryId] = await publish(1);
    const otherTenant = (await t.call('POST', '/v1/admin/tenants', t.adminKey, { slug: 'other', name: 'Other' })).body['id'] as string;
    const otherKey = (await t.call('POST', `/v1/admin/tenants/${otherTenant}/api-keys`, t.adminKey, { environment: 'live' })).body['key'] as string;
    for (const key of [t.keys.test, otherKey]) {
      const list = await t.call('GET', `/v1/endpoints/${endpoint.id}/deliveries`, key);
      expect(list.status).toBe(404);
      expect(list.body).toMatchObject({ error: { code: 'not_found' } });
      expect((await t.call('POST', `/v1/endpoints/${endpoint.id}/deliveries/${deliveryId}/replay`, key)).status).toBe(404);
      expect((await t.call('POST', `/v1/endpoints/${endpoint.id}/test`, key)).status).toBe(404);
    }
    // A delivery of another endpoint of the same environment is not found under this one.
    const other = await register('/scoped-other');
    expect((await t.call('POST', `/v1/endpoints/${other.id}/deliveries/${deliveryId}/replay`, t.keys.live)).status).toBe(404);
    expect((await t.call('POST', `/v1/endpoints/${endpoint.id}/deliveries/not-a-uuid/replay`, t.keys.live)).status).toBe(404);
  });

  it('replays a dead delivery as a new attempt of the same event, which is delivered; a pending one is 409', async () => {
    const endpoint = await register('/replay');
    receiver.answer(500);
    const [deliveryId] = await publish(1);
    await t.app.get(TenantEventsPublisher).dispatch([deliveryId as string]);
    await until(async () => (await stateOf(deliveryId as string)) === 'dead');
    const [failed] = await receiver.waitFor(1);

    receiver.answer(200);
    const replayed = await t.call('POST', `/v1/endpoints/${endpoint.id}/deliveries/${deliveryId}/replay`, t.keys.live);
    expect(replayed.status).toBe(202);
    expect(replayed.body).toMatchObject({ id: deliveryId, status: 'pending', attempts: 0, replays: 1 });
    await until(async () => (await stateOf(deliveryId as string)) === 'delivered');
    const [, again] = await receiver.waitFor(2);
    if (!again || !failed) throw new Error('two requests expected');
    expect(again.headers['webhook-id']).toBe(failed.headers['webhook-id']);
    expect(new Webhook(endpoint.secret).verify(again.body, headersOf(again))).toMatchObject({ type: 'message.status' });

    const listed = (await t.call('GET', `/v1/endpoints/${endpoint.id}/deliveries`, t.keys.live)).body as Page;
    expect(listed.data[0]).toMatchObject({ id: deliveryId, status: 'delivered', attempts: 1, replays: 1 });

    // Delivered ones can be sent again too; while that is pending, another replay is a conflict.
    await worker.pause();
    try {
      expect((await t.call('POST', `/v1/endpoints/${endpoint.id}/deliveries/${deliveryId}/replay`, t.keys.live)).status).toBe(202);
      const conflict = await t.call('POST', `/v1/endpoints/${endpoint.id}/deliveries/${deliveryId}/replay`, t.keys.live);
      expect(conflict.status).toBe(409);
      expect(conflict.body).toMatchObject({ error: { code: 'conflict' } });
    } finally {
      await worker.resume();
    }
    await until(async () => (await stateOf(deliveryId as string)) === 'delivered');
    await receiver.waitFor(3);
  });

  it('the endpoint-wide replay still queues every dead delivery again', async () => {
    const endpoint = await register('/replay-all');
    const ids = await publish(2);
    await t.dataSource.query(`UPDATE event_deliveries SET state = 'dead', attempts = 1 WHERE id = ANY($1)`, [ids]);
    const replayed = await t.call('POST', `/v1/endpoints/${endpoint.id}/replay`, t.keys.live);
    expect(replayed).toEqual({ status: 202, body: { replayed: 2 } });
    await receiver.waitFor(2);
    await until(async () => (await stateOf(ids[0] as string)) === 'delivered' && (await stateOf(ids[1] as string)) === 'delivered');
  });

  it('the test endpoint delivers an endpoint.test event to that endpoint only, whatever it subscribes to', async () => {
    const target = await register('/target', ['template.status']);
    await register('/bystander', ['message.status', 'template.status']);
    const queued = await t.call('POST', `/v1/endpoints/${target.id}/test`, t.keys.live);
    expect(queued.status).toBe(202);
    expect(queued.body).toMatchObject({ endpointId: target.id, type: 'endpoint.test', status: 'pending', attempts: 0 });

    const [request] = await receiver.waitFor(1);
    if (!request) throw new Error('nothing received');
    expect(request.path).toBe('/target');
    const event = new Webhook(target.secret).verify(request.body, headersOf(request)) as Record<string, unknown>;
    expect(event).toMatchObject({ id: queued.body['eventId'], type: 'endpoint.test', environment: 'live', data: { endpointId: target.id } });
    await until(async () => (await stateOf(queued.body['id'] as string)) === 'delivered');
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(receiver.received.map((r) => r.path)).toEqual(['/target']);
  });
});
