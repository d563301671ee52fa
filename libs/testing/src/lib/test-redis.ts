import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { loadConfig, testEnvSchema } from '@switchboard/config';

export interface TestRedis {
  url: string;
  /** Unique per call: every queue key of the test lives under it. */
  prefix: string;
  /** Deletes every key under the prefix. */
  cleanup(): Promise<void>;
}

export function createTestRedis(label = 'test'): TestRedis {
  const { TEST_REDIS_URL } = loadConfig(testEnvSchema);
  const prefix = `sbtest:${label}:${process.pid}:${randomBytes(4).toString('hex')}`;
  return {
    url: TEST_REDIS_URL,
    prefix,
    cleanup: async () => {
      const redis = new Redis(TEST_REDIS_URL, { lazyConnect: true, maxRetriesPerRequest: 1, disableClientInfo: true });
      await redis.connect();
      try {
        let cursor = '0';
        do {
          const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 500);
          if (keys.length > 0) await redis.del(...keys);
          cursor = next;
        } while (cursor !== '0');
      } finally {
        redis.disconnect();
      }
    },
  };
}
