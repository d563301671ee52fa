export { QUEUE_BOARD_COOKIE, QUEUE_BOARD_PATH, type OperatorAccess, type QueueBoardSettings } from './lib/queue-board.constants';
export * from './lib/queue-board.module';
