import { migrateDatabase } from '@switchboard/platform';
import { createTestDatabase, createTestRedis } from '@switchboard/testing';
import { caller, startTestGateway, TEST_ADMIN_KEY } from '../gateway.test-helper';
it('probe', async () => {
  const database = await createTestDatabase('probe');
  const redis = createTestRedis('probe');
  await migrateDatabase(database.url, 'test');
  const gateway = await startTestGateway(database, redis);
  const call = caller(gateway);
  const tenantId = (await call('POST', '/v1/admin/tenants', TEST_ADMIN_KEY, { slug: 'p', name: 'P' })).body['id'] as string;
  const key = (await call('POST', `/v1/admin/tenants/${tenantId}/api-keys`, TEST_ADMIN_KEY, { environment: 'live' })).body['key'] as string;
  for (const payload of [
    '{"query":"mutation($input: JSON!, $key: String) { sendMessage(input: $input, idempotencyKey: $key) { id status } }","variables":{}}',
    '{"query":"query($first: Int) { messages(first: $first) { nodes { id } } }","variables":{"first":"x"}}',
  ]) {
    const r = await gateway.inject({ method: 'POST', url: '/graphql', payload, headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` } });
    console.log(payload, r.statusCode, r.headers['content-type'], r.body.slice(0, 600));
  }
  await gateway.close(); await redis.cleanup(); await database.drop();
});
