import { createTestRedis, type TestRedis } from '@switchboard/testing';
import { RateLimitConnection } from './rate-limit.connection';
import type { RateLimitingSettings } from './rate-limiting.constants';
import { TenantRequestQuota } from './tenant-request-quota.service';

describe('TenantRequestQuota (real Redis)', () => {
  let redis: TestRedis;
  const connections: RateLimitConnection[] = [];

  function gateway(settings: Partial<RateLimitingSettings> = {}): TenantRequestQuota {
    const all: RateLimitingSettings = { redisUrl: redis.url, prefix: redis.prefix, tenantQuota: { limit: 3, windowMs: 60_000 }, ...settings };
    const connection = new RateLimitConnection(all);
    connections.push(connection);
    return new TenantRequestQuota(connection, all);
  }

  async function ready(quota: TenantRequestQuota): Promise<void> {
    // The first call of a fresh connection would fail open while it connects.
    for (let i = 0; i < 50 && (await quota.consume('warm-up', 'test')).kind === 'unavailable'; i += 1) {
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }

  beforeAll(() => {
    redis = createTestRedis('tenant-quota');
  });

  afterAll(async () => {
    for (const connection of connections) connection.onModuleDestroy();
    await redis.cleanup();
  });

  it('counts one budget per tenant environment across instances', async () => {
    const [first, second] = [gateway(), gateway()];
    await Promise.all([ready(first), ready(second)]);

    const decisions = [
      await first.consume('t1', 'live'),
      await second.consume('t1', 'live'),
      await first.consume('t1', 'live'),
      await second.consume('t1', 'live'),
    ];
    expect(decisions.map((d) => d.kind === 'counted' && [d.allowed, d.remaining])).toEqual([
      [true, 2],
      [true, 1],
      [true, 0],
      [false, 0],
    ]);
    const refused = decisions[3];
    expect(refused?.kind === 'counted' && refused.resetMs).toBeGreaterThan(59_000);
    expect(refused?.kind === 'counted' && refused.resetMs).toBeLessThanOrEqual(60_000);

    // Another environment and another tenant have budgets of their own.
    expect(await first.consume('t1', 'test')).toMatchObject({ kind: 'counted', allowed: true, remaining: 2 });
    expect(await second.consume('t2', 'live')).toMatchObject({ kind: 'counted', allowed: true, remaining: 2 });
  });

  it('starts a new window when the old one ends', async () => {
    const quota = gateway({ tenantQuota: { limit: 1, windowMs: 200 } });
    await ready(quota);
    expect(await quota.consume('t3', 'live')).toMatchObject({ allowed: true });
    expect(await quota.consume('t3', 'live')).toMatchObject({ allowed: false });
    await new Promise((resolve) => setTimeout(resolve, 250));
    expect(await quota.consume('t3', 'live')).toMatchObject({ allowed: true });
  });

  it('is off at limit 0 and fails open at once when Redis does not answer', async () => {
    expect(await gateway({ tenantQuota: { limit: 0, windowMs: 1000 } }).consume('t4', 'live')).toEqual({ kind: 'off' });
    const down = gateway();
    await ready(down);
    // A lost connection: the client would queue the command until it reconnects.
    connections.at(-1)?.redis.disconnect();
    const started = Date.now();
    expect(await down.consume('t4', 'live')).toMatchObject({ kind: 'unavailable' });
    expect(Date.now() - started).toBeLessThan(100);
  });
});
