import { startTenantEventsApp, type TenantEventsTestApp } from './tenant-events.test-helper';

/** Registration as production runs it: private targets refused, at most 10 endpoints per environment (the default). */
describe('event endpoint limits (real Postgres and Redis)', () => {
  let t: TenantEventsTestApp;
  const register = (url: string, key = t.keys.live) => t.call('POST', '/v1/endpoints', key, { url, events: ['message.status'] });
  const count = async () => ((await t.dataSource.query(`SELECT count(*)::int AS n FROM event_endpoints`)) as Array<{ n: number }>)[0]?.n;

  beforeAll(async () => {
    t = await startTenantEventsApp('endpoint_limits', { allowPrivateTargets: false });
  }, 30_000);

  afterAll(async () => {
    await t?.close();
  });

  afterEach(async () => {
    await t.dataSource.query(`DELETE FROM event_endpoints`);
  });

  it('refuses the 11th endpoint of an environment with 422 endpoint_limit_reached, and stores nothing for it', async () => {
    for (let n = 1; n <= 10; n += 1) expect((await register(`https://events.example.com/hook-${n}`)).status).toBe(201);
    const refused = await register('https://events.example.com/hook-11');
    expect(refused.status).toBe(422);
    expect(refused.body['error']).toMatchObject({ code: 'endpoint_limit_reached', details: [{ path: 'url', issue: 'at most 10 endpoints per environment' }] });
    expect(await count()).toBe(10);
    // The cap is per environment: the test environment of the same tenant has its own ten.
    expect((await register('https://events.example.com/hook-11', t.keys.test)).status).toBe(201);
  });

  it('holds the cap when creations race: twelve at once, ten created', async () => {
    const answers = await Promise.all(Array.from({ length: 12 }, (_, n) => register(`https://events.example.com/race-${n}`)));
    expect(answers.filter((answer) => answer.status === 201)).toHaveLength(10);
    expect(answers.filter((answer) => answer.status === 422)).toHaveLength(2);
    expect(await count()).toBe(10);
  });

  it('refuses a URL the environment already has (after normalisation) with 409 conflict naming the endpoint', async () => {
    const first = await register('https://events.example.com/hook');
    expect(first.status).toBe(201);
    const again = await register('HTTPS://Events.Example.com:443/hook');
    expect(again.status).toBe(409);
    expect(again.body['error']).toMatchObject({ code: 'conflict', details: [{ path: 'url', issue: `already registered as endpoint ${String(first.body['id'])}` }] });
    expect(JSON.stringify(again.body)).not.toContain(String(first.body['secret']));
    expect((await register('https://events.example.com/hook', t.keys.test)).status).toBe(201);
    expect((await register('https://events.example.com/hook?other')).status).toBe(201);
  });

  it('refuses a plain http endpoint when private targets are refused (production)', async () => {
    const refused = await register('http://events.example.com/hook');
    expect(refused.status).toBe(400);
    expect(refused.body['error']).toMatchObject({ code: 'validation_failed', details: [{ path: 'url', issue: 'https only: events carry message content' }] });
    expect(await count()).toBe(0);
  });
});
