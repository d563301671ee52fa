import { startTestRedisCluster, type TestRedisCluster } from '@switchboard/testing';
import { Cluster } from 'ioredis';
import { RateLimitConnection } from './rate-limit.connection';
import type { RateLimitingSettings } from './rate-limiting.constants';
import { SendLimiter } from './send-limiter.service';
import { TenantRequestQuota } from './tenant-request-quota.service';

/**
 * The limits on a Redis Cluster of the test's own (three masters): each send-acquire call
 * touches thirteen keys, which must share one slot (the portfolio's hash tag) or the cluster
 * refuses the call; different portfolios spread over the masters.
 */
describe('SendLimiter and tenant quota on a Redis Cluster', () => {
  let cluster: TestRedisCluster;
  let connection: RateLimitConnection;
  let limiter: SendLimiter;
  let settings: RateLimitingSettings;

  beforeAll(async () => {
    cluster = await startTestRedisCluster();
    settings = { redisUrl: cluster.url, prefix: 'sb' };
    connection = new RateLimitConnection(settings);
    limiter = new SendLimiter(connection, settings);
  }, 60_000);

  afterAll(async () => {
    connection?.onModuleDestroy();
    await cluster?.close();
  });

  it('takes every limit in one call: throughput, pair rate, portfolio count and Graph usage of many WABAs', async () => {
    expect(connection.redis).toBeInstanceOf(Cluster);
    for (let waba = 0; waba < 20; waba += 1) {
      const sender = { phoneNumberId: `1500${waba}`, wabaId: `2500${waba}`, mps: 1, portfolioTier: 'TIER_250', circuit: { key: `whatsapp:2500${waba}`, tag: `2500${waba}`, probeMs: 30_000 } };
      await limiter.recordGraphUsage(sender.wabaId, { maxPercentage: 10, estimatedTimeToRegainAccessMs: 0 });
      const first = await limiter.acquire({ ...sender, recipient: '447700900001', businessInitiated: true });
      expect(first).toMatchObject({ ok: true, portfolio: { used: 1, limit: 250 } });
      // One send a second: the number's next slot is taken, the next caller waits.
      const second = await limiter.acquire({ ...sender, recipient: '447700900002', businessInitiated: true });
      expect(second).toMatchObject({ ok: false, reason: 'throughput' });
    }
    expect((await cluster.keysPerMaster()).filter((keys) => keys > 0).length).toBeGreaterThan(1);
  });

  it('shares a portfolio between its WABAs (one tag for all of them) and applies the Graph usage recorded under it', async () => {
    // A caller naming a portfolio gives its circuits the portfolio's tag.
    const circuit = (waba: string) => ({ key: `whatsapp:${waba}`, tag: 'portfolio-7', probeMs: 30_000 });
    const portfolio = { portfolioKey: 'portfolio-7', portfolioTier: 'TIER_250', mps: 1000, businessInitiated: true };
    const a = await limiter.acquire({ ...portfolio, phoneNumberId: '16001', wabaId: '26001', recipient: '447700900101', circuit: circuit('26001') });
    const b = await limiter.acquire({ ...portfolio, phoneNumberId: '16002', wabaId: '26002', recipient: '447700900102', circuit: circuit('26002') });
    expect(a).toMatchObject({ ok: true, portfolio: { used: 1 } });
    expect(b).toMatchObject({ ok: true, portfolio: { used: 2 } });

    await limiter.recordGraphUsage('26002', { maxPercentage: 100, estimatedTimeToRegainAccessMs: 60_000 }, 'portfolio-7');
    expect(await limiter.acquire({ ...portfolio, phoneNumberId: '16002', wabaId: '26002', recipient: '447700900103', circuit: circuit('26002') })).toMatchObject({
      ok: false,
      reason: 'graph_usage',
    });
  });

  it('counts tenant requests on the cluster', async () => {
    const quota = new TenantRequestQuota(connection, { ...settings, tenantQuota: { limit: 2, windowMs: 60_000 } });
    const decisions = [await quota.consume('tenant-1', 'live'), await quota.consume('tenant-1', 'live'), await quota.consume('tenant-1', 'live')];
    expect(decisions.map((decision) => decision.kind === 'counted' && decision.allowed)).toEqual([true, true, false]);
  });
});
