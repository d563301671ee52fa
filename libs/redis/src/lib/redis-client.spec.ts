import { createTestRedis, startTestRedisCluster, type TestRedis, type TestRedisCluster } from '@switchboard/testing';
import { Cluster, Redis } from 'ioredis';
import { hashTag } from './hash-tag';
import { createRedisClient, type RedisClient, type RedisClientOptions } from './redis-client';

const options: RedisClientOptions = {
  connectionName: 'switchboard-factory-spec',
  maxRetriesPerRequest: 1,
  commandTimeout: 2_000,
  retryStrategy: (times) => Math.min(times * 200, 5_000),
};

describe('createRedisClient', () => {
  const clients: RedisClient[] = [];
  const client = (url: string, extra: Partial<RedisClientOptions> = {}) => {
    const created = createRedisClient(url, { ...options, ...extra });
    clients.push(created);
    return created;
  };

  const disconnectAll = () => {
    for (const created of clients.splice(0)) created.disconnect();
  };

  describe('one server (redis://)', () => {
    let redis: TestRedis;

    beforeAll(() => {
      redis = createTestRedis('redis-factory');
    });

    afterAll(async () => {
      disconnectAll();
      await redis.cleanup();
    });

    it('answers a Redis with the caller\'s connection name, retries and timeout', async () => {
      const single = client(redis.url);
      expect(single).toBeInstanceOf(Redis);
      expect(single.options).toMatchObject({ maxRetriesPerRequest: 1, commandTimeout: 2_000, disableClientInfo: true });
      expect(await single.client('GETNAME')).toBe('switchboard-factory-spec');
    });

    it('makes pipelines without an accessor of their own, which would keep each one alive until a full collection', async () => {
      const single = client(redis.url);
      const pipeline = single.pipeline().set(`${redis.prefix}:pipelined`, '1').get(`${redis.prefix}:pipelined`);
      // ioredis defines `length` per instance with a closure over the pipeline; patches/ makes it a
      // prototype getter (docs/decisions.md, "No object per request in the old generation").
      expect(Object.getOwnPropertyDescriptor(pipeline, 'length')).toBeUndefined();
      expect(pipeline.length).toBe(2);
      expect(await pipeline.exec()).toEqual([[null, 'OK'], [null, '1']]);
    });

    it('makes pipelines that share the client\'s scripts instead of copying each onto every pipeline', async () => {
      const single = client(redis.url);
      single.defineCommand('echoFirst', { numberOfKeys: 0, lua: 'return ARGV[1]' });
      const scripted = (pipeline: ReturnType<Redis['pipeline']>, name: string, value: string) => (pipeline as unknown as Record<string, (arg: string) => unknown>)[name]?.(value);
      const first = single.pipeline();
      scripted(first, 'echoFirst', 'a');
      // ioredis copies every script (BullMQ loads dozens) onto each pipeline, a large dictionary
      // object per BullMQ call; patches/ makes them the pipeline's prototype (docs/decisions.md).
      expect(Object.getOwnPropertyNames(first)).not.toContain('echoFirst');
      expect(await first.exec()).toEqual([[null, 'a']]);
      // A command defined later reaches the pipelines made after it.
      single.defineCommand('echoSecond', { numberOfKeys: 0, lua: 'return ARGV[1] .. "!"' });
      const second = single.multi();
      scripted(second, 'echoFirst', 'b');
      scripted(second, 'echoSecond', 'c');
      expect(await second.exec()).toEqual([[null, 'b'], [null, 'c!']]);
    });

    it('fails a command at once while disconnected when the offline queue is off', async () => {
      const offline = client(redis.url, { enableOfflineQueue: false, lazyConnect: true });
      await expect(offline.ping()).rejects.toThrow();
    });
  });

  describe('a Redis Cluster (redis-cluster://)', () => {
    let cluster: TestRedisCluster;

    beforeAll(async () => {
      cluster = await startTestRedisCluster();
    }, 60_000);

    afterAll(async () => {
      disconnectAll();
      await cluster?.close();
    });

    it('answers a Cluster whose node connections carry the caller\'s options', async () => {
      const clustered = client(cluster.url);
      expect(clustered).toBeInstanceOf(Cluster);
      expect((clustered as Cluster).options.redisOptions).toMatchObject({ connectionName: 'switchboard-factory-spec', maxRetriesPerRequest: 1, commandTimeout: 2_000 });
      await clustered.set('factory:probe', '1');
      const nodes = (clustered as Cluster).nodes('master');
      expect(nodes).toHaveLength(3);
      const names = await Promise.all(nodes.map((node) => node.client('GETNAME')));
      expect(names).toContain('switchboard-factory-spec');
    });

    it('spreads keys over the masters, and runs a multi-key script only on keys of one hash tag', async () => {
      const clustered = client(cluster.url);
      await Promise.all(Array.from({ length: 60 }, (_, i) => clustered.set(`factory:spread:${i}`, String(i))));
      expect((await cluster.keysPerMaster()).filter((keys) => keys > 0).length).toBeGreaterThan(1);

      const script = `redis.call('SET', KEYS[1], ARGV[1]); redis.call('SET', KEYS[2], ARGV[1]); return redis.call('MGET', KEYS[1], KEYS[2])`;
      const tag = hashTag('waba-1');
      expect(await clustered.eval(script, 2, `factory:${tag}:a`, `factory:${tag}:b`, 'x')).toEqual(['x', 'x']);
      await expect(clustered.eval(script, 2, 'factory:untagged:a', 'factory:untagged:b', 'x')).rejects.toThrow(/CROSSSLOT|slot/i);
    });

    it('delivers a PUBLISH to a subscriber whatever node each of them is on', async () => {
      const publisher = client(cluster.url);
      const subscriber = client(cluster.url);
      const received = new Promise<string>((resolve) => subscriber.on('message', (_channel: string, text: string) => resolve(text)));
      await subscriber.subscribe('factory:feed');
      await publisher.publish('factory:feed', 'hello');
      expect(await received).toBe('hello');
    });
  });
});
