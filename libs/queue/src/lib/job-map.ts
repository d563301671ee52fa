import { z } from 'zod';
import { QUEUE_NAMES, type QueueName } from './queue.constants';

/** Inbox rows one `webhooks.process` job names at most. */
export const MAX_INBOX_IDS_PER_JOB = 1000;

/**
 * The one map of job name -> queue + payload schema. Producers accept only what it
 * allows; processors parse with the same schema, so a payload change is one edit.
 */
export const JOBS = {
  'system.probe': {
    queue: QUEUE_NAMES.system,
    payload: z.object({
      probeId: z.string().min(8).max(64),
      requestedAt: z.iso.datetime(),
      /** W3C trace context of the producer, so the worker's span joins its trace. */
      traceparent: z.string().optional(),
    }),
  },
  'accounts.token-check': {
    queue: QUEUE_NAMES.accounts,
    payload: z.object({ trigger: z.enum(['schedule', 'start']) }),
  },
  'accounts.probe': {
    queue: QUEUE_NAMES.accounts,
    payload: z.object({ trigger: z.enum(['schedule', 'start']) }),
  },
  /** Sync every template of every WABA of one tenant environment from Graph. */
  'templates.sync': {
    queue: QUEUE_NAMES.templates,
    payload: z.object({ tenantId: z.uuid(), environment: z.enum(['live', 'test']) }),
  },
  /** Carry out one template operation (sync, create or delete); the row in `template_operations` is the truth. */
  'templates.operation': {
    queue: QUEUE_NAMES.templates,
    payload: z.object({ operationId: z.uuid() }),
  },
  /** Re-drive template operations whose job was lost (Redis flush, a worker killed more than once mid-run). */
  'templates.operations-sweep': {
    queue: QUEUE_NAMES.templates,
    payload: z.object({ trigger: z.enum(['schedule', 'start']) }),
  },
  /** Send one accepted message; the row in `messages` is the truth, the job only names it. */
  'messages.send': {
    queue: QUEUE_NAMES.messages,
    payload: z.object({
      messageId: z.string().regex(/^msg_[0-9A-Z]{26}$/),
      /** Set by the retry route: the n-th requeue of the message, so its job id is new. */
      retry: z.number().int().min(1).optional(),
      /** Set when a fallback moved the message to a later channel of its route: that step's send is a new job. */
      step: z.number().int().min(1).optional(),
      /** A scheduled message: the job waits in BullMQ's delayed set until then. */
      notBefore: z.iso.datetime().optional(),
      /** W3C trace context of the accepting request, so the send continues its trace. */
      traceparent: z.string().optional(),
    }),
  },
  /** A message's "not delivered within" deadline: fall back unless a `delivered`/`read` came first. */
  'messages.fallback': {
    queue: QUEUE_NAMES.messages,
    payload: z.object({
      messageId: z.string().regex(/^msg_[0-9A-Z]{26}$/),
      /** The route step the deadline belongs to: a later step's deadline is another job. */
      step: z.number().int().min(0),
      /** When the deadline passes (the job waits in the delayed set until then). */
      dueAt: z.iso.datetime(),
    }),
  },
  'messages.sweep': {
    queue: QUEUE_NAMES.outbox,
    payload: z.object({ trigger: z.enum(['schedule', 'start']) }),
  },
  /** Process stored webhook payloads (inbox row ids, sorted: those one gateway committed together, or a sweep chunk); the inbox row is the truth. */
  'webhooks.process': {
    queue: QUEUE_NAMES.webhooks,
    payload: z.object({
      inboxIds: z.array(z.number().int().positive()).min(1).max(MAX_INBOX_IDS_PER_JOB),
      /** Set by the inbox sweep (Unix minutes): a new job id, even while a failed job of the same rows is retained. */
      sweptAt: z.number().int().positive().optional(),
    }),
  },
  'webhooks.sweep': {
    queue: QUEUE_NAMES.webhooks,
    payload: z.object({ trigger: z.enum(['schedule', 'start']) }),
  },
  /** One attempt to deliver one event to one tenant endpoint; the delivery row is the truth. */
  'events.deliver': {
    queue: QUEUE_NAMES.tenantEvents,
    payload: z.object({
      deliveryId: z.uuid(),
      /** Replays of the delivery so far and attempts of this round: together they name the job. */
      replays: z.number().int().min(0),
      attempt: z.number().int().min(0),
      delayMs: z.number().int().min(0).optional(),
      /** W3C trace context of what caused the attempt (the event's producer, the previous attempt), so it continues that trace. */
      traceparent: z.string().optional(),
    }),
  },
  'events.sweep': {
    queue: QUEUE_NAMES.tenantEvents,
    payload: z.object({ trigger: z.enum(['schedule', 'start']) }),
  },
  /** Delete finished event deliveries past their retention. */
  'events.prune': {
    queue: QUEUE_NAMES.tenantEvents,
    payload: z.object({ trigger: z.enum(['schedule', 'start']) }),
  },
  'alerts.check': {
    queue: QUEUE_NAMES.alerts,
    payload: z.object({ trigger: z.enum(['schedule', 'start']) }),
  },
} as const satisfies Record<string, { queue: QueueName; payload: z.ZodType }>;

export type JobName = keyof typeof JOBS;
export type JobPayload<N extends JobName> = z.infer<(typeof JOBS)[N]['payload']>;

export function jobNamesOf(queue: QueueName): JobName[] {
  return (Object.keys(JOBS) as JobName[]).filter((name) => JOBS[name].queue === queue);
}

export function parseJobPayload<N extends JobName>(name: N, data: unknown): JobPayload<N> {
  return JOBS[name].payload.parse(data) as JobPayload<N>;
}
