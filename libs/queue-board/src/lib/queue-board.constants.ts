import type { Type } from '@nestjs/common';

/** Where the board is served, UI and API alike. */
export const QUEUE_BOARD_PATH = '/admin/queues';

/** The cookie that keeps a browser signed in after it opened the board once with `?key=`. */
export const QUEUE_BOARD_COOKIE = 'switchboard_queue_board';

/** Whether an `Authorization` value carries the operator key (the check the admin routes use). */
export interface OperatorAccess {
  isOperator(authorization: string | undefined): boolean;
}

export interface QueueBoardSettings {
  /** The provider that checks the operator key; the host app's, so the board never has a key of its own. */
  operatorAccess: Type<OperatorAccess>;
}

/** DI tokens. */
export const QUEUE_BOARD_OPERATOR_ACCESS = Symbol('QUEUE_BOARD_OPERATOR_ACCESS');
export const QUEUE_BOARD_QUEUES = Symbol('QUEUE_BOARD_QUEUES');
