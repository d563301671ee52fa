import { getQueueToken } from '@nestjs/bullmq';
import { DynamicModule, Module } from '@nestjs/common';
import { QUEUE_NAMES } from '@switchboard/queue';
import type { Queue } from 'bullmq';
import { QUEUE_BOARD_OPERATOR_ACCESS, QUEUE_BOARD_QUEUES, type QueueBoardSettings } from './queue-board.constants';
import { QueueBoardRoutes } from './queue-board.routes';

const queueTokens = Object.values(QUEUE_NAMES).map((name) => getQueueToken(name));

/**
 * The read-only bull-board at /admin/queues for the operator. Needs QueueModule (every queue,
 * with the deployment's prefix) and the host's operator check.
 */
@Module({})
export class QueueBoardModule {
  static forRoot(settings: QueueBoardSettings): DynamicModule {
    return {
      module: QueueBoardModule,
      providers: [
        { provide: QUEUE_BOARD_OPERATOR_ACCESS, useExisting: settings.operatorAccess },
        { provide: QUEUE_BOARD_QUEUES, inject: queueTokens, useFactory: (...queues: Queue[]) => queues },
        QueueBoardRoutes,
      ],
    };
  }
}
