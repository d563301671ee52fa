import { BullModule, getQueueToken } from '@nestjs/bullmq';
import { DynamicModule, Global, Module } from '@nestjs/common';
import { METRICS_REGISTRY } from '@switchboard/telemetry';
import type { Queue } from 'bullmq';
import type { Registry } from 'prom-client';
import { QUEUE_NAMES, QUEUE_PRODUCER, QUEUE_SETTINGS, type QueueName } from './queue.constants';
import { QueueMetrics } from './queue.metrics';
import { QueueProducer } from './queue.producer';
import { redisConnectionOptions } from './redis-connection';

export interface QueueSettings {
  redisUrl: string;
  prefix: string;
}

const queueNames = Object.values(QUEUE_NAMES) as QueueName[];
const queueTokens = queueNames.map((name) => getQueueToken(name));
const byName = (queues: Queue[]) => new Map(queueNames.map((name, index) => [name, queues[index] as Queue]));

/**
 * Registers every queue of the job map and the typed producer. Gateway and worker
 * import the same module, so both agree on names, prefix and connection settings; both export
 * queue depth and lag on their /metrics (MetricsModule provides the registry).
 */
@Global()
@Module({})
export class QueueModule {
  static forRoot(settings: QueueSettings): DynamicModule {
    return {
      module: QueueModule,
      imports: [
        BullModule.forRoot({
          connection: redisConnectionOptions(settings.redisUrl),
          prefix: settings.prefix,
        }),
        BullModule.registerQueue(...queueNames.map((name) => ({ name }))),
      ],
      providers: [
        { provide: QUEUE_SETTINGS, useValue: settings },
        { provide: QUEUE_PRODUCER, inject: queueTokens, useFactory: (...queues: Queue[]) => new QueueProducer(byName(queues)) },
        {
          provide: QueueMetrics,
          inject: [METRICS_REGISTRY, ...queueTokens],
          useFactory: (registry: Registry, ...queues: Queue[]) => new QueueMetrics(registry, byName(queues)),
        },
      ],
      exports: [BullModule, QUEUE_PRODUCER, QUEUE_SETTINGS],
    };
  }
}
