import { BullModule, getQueueToken } from '@nestjs/bullmq';
import { DynamicModule, Global, Module } from '@nestjs/common';
import type { Queue } from 'bullmq';
import { QUEUE_NAMES, QUEUE_PRODUCER, QUEUE_SETTINGS, type QueueName } from './queue.constants';
import { QueueProducer } from './queue.producer';
import { redisConnectionOptions } from './redis-connection';

export interface QueueSettings {
  redisUrl: string;
  prefix: string;
}

const queueNames = Object.values(QUEUE_NAMES) as QueueName[];

/**
 * Registers every queue of the job map and the typed producer. Gateway and worker
 * import the same module, so both agree on names, prefix and connection settings.
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
        {
          provide: QUEUE_PRODUCER,
          inject: queueNames.map((name) => getQueueToken(name)),
          useFactory: (...queues: Queue[]) =>
            new QueueProducer(new Map(queueNames.map((name, index) => [name, queues[index] as Queue]))),
        },
      ],
      exports: [BullModule, QUEUE_PRODUCER, QUEUE_SETTINGS],
    };
  }
}
