import { BullModule, getQueueToken } from '@nestjs/bullmq';
import { DynamicModule, Global, Inject, Injectable, Module, type OnApplicationShutdown } from '@nestjs/common';
import type { RedisClient } from '@switchboard/redis';
import { METRICS_REGISTRY } from '@switchboard/telemetry';
import type { Queue } from 'bullmq';
import type { Registry } from 'prom-client';
import { QUEUE_CONNECTION, QUEUE_NAMES, QUEUE_PRODUCER, QUEUE_SETTINGS, type QueueName } from './queue.constants';
import { QueueMetrics } from './queue.metrics';
import { QueueProducer } from './queue.producer';
import { queueKeyPrefix, queueRedisClient } from './redis-connection';

export interface QueueSettings {
  redisUrl: string;
  /** QUEUE_PREFIX as configured; QUEUE_SETTINGS answers the prefix the keys really have (queueKeyPrefix). */
  prefix: string;
}

const queueNames = Object.values(QUEUE_NAMES) as QueueName[];
const queueTokens = queueNames.map((name) => getQueueToken(name));
const byName = (queues: Queue[]) => new Map(queueNames.map((name, index) => [name, queues[index] as Queue]));

/**
 * Closes the connection every queue and worker shares. Nest runs this hook after BullMQ's:
 * QueueModule is global and imports BullModule, so BullModule's global modules come after it
 * and shut down before it (the queue modules are not global and shut down earlier still).
 */
@Injectable()
class QueueConnectionCloser implements OnApplicationShutdown {
  constructor(@Inject(QUEUE_CONNECTION) private readonly connection: RedisClient) {}

  onApplicationShutdown(): void {
    this.connection.disconnect();
  }
}

/**
 * Registers every queue of the job map and the typed producer. Gateway and worker
 * import the same module, so both agree on names, prefix and connection settings (one shared
 * connection per process; BullMQ opens a blocking one per worker beside it); both export
 * queue depth and lag on their /metrics (MetricsModule provides the registry).
 */
@Global()
@Module({})
export class QueueModule {
  static forRoot(configured: QueueSettings): DynamicModule {
    const settings: QueueSettings = { ...configured, prefix: queueKeyPrefix(configured.redisUrl, configured.prefix) };
    return {
      module: QueueModule,
      imports: [
        BullModule.forRootAsync({
          inject: [QUEUE_CONNECTION],
          useFactory: (connection: RedisClient) => ({ connection, prefix: settings.prefix }),
        }),
        BullModule.registerQueue(...queueNames.map((name) => ({ name }))),
      ],
      providers: [
        { provide: QUEUE_SETTINGS, useValue: settings },
        { provide: QUEUE_CONNECTION, useFactory: () => queueRedisClient(settings.redisUrl, 'switchboard-queue') },
        QueueConnectionCloser,
        { provide: QUEUE_PRODUCER, inject: queueTokens, useFactory: (...queues: Queue[]) => new QueueProducer(byName(queues)) },
        {
          provide: QueueMetrics,
          inject: [METRICS_REGISTRY, ...queueTokens],
          useFactory: (registry: Registry, ...queues: Queue[]) => new QueueMetrics(registry, byName(queues)),
        },
      ],
      exports: [BullModule, QUEUE_PRODUCER, QUEUE_SETTINGS, QUEUE_CONNECTION],
    };
  }
}
