/** Every BullMQ queue of the platform; later issues add theirs here and nowhere else. */
export const QUEUE_NAMES = {
  /** Platform self-checks: proves a worker consumes what a gateway produces. */
  system: 'system',
  /** Token checks and Graph probes of every WABA. */
  accounts: 'accounts',
  /** Template registry syncs, one scheduler per tenant environment. */
  templates: 'templates',
  /** Outbound messages accepted by the gateway, one job per message id. */
  messages: 'messages',
  /** Re-enqueues accepted messages whose job never reached Redis (the row is the truth). */
  outbox: 'outbox',
  /** Signed Meta webhooks stored in the inbox, processed after the 200; and the inbox sweep. */
  webhooks: 'webhooks',
  /** Signed event callbacks to tenants' endpoints, one job per delivery attempt; and their sweep. */
  tenantEvents: 'tenant-events',
  /** Periodic alert conditions (failure rates, token problems). */
  alerts: 'alerts',
} as const;

export type QueueName = (typeof QUEUE_NAMES)[keyof typeof QUEUE_NAMES];

/** DI tokens. */
export const QUEUE_PRODUCER = Symbol('QUEUE_PRODUCER');
export const QUEUE_SETTINGS = Symbol('QUEUE_SETTINGS');
/** The Redis client (server or cluster) every queue and worker of the process shares. */
export const QUEUE_CONNECTION = Symbol('QUEUE_CONNECTION');
