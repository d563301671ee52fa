import type { JobsOptions } from 'bullmq';
import type { JobName, JobPayload } from './job-map';

/**
 * Attempts, backoff and retention for every job, in one place. Completed jobs are
 * kept briefly (dedupe by job id and debugging), failed ones long enough to inspect.
 */
const OPTIONS: { [N in JobName]: JobsOptions } = {
  'system.probe': {
    attempts: 1,
    removeOnComplete: { age: 300, count: 1000 },
    removeOnFail: { age: 3600 },
  },
  // Periodic sweeps: the next run repeats the work, so a failed one is not retried.
  'accounts.token-check': { attempts: 1, removeOnComplete: { count: 50 }, removeOnFail: { count: 50 } },
  'accounts.probe': { attempts: 1, removeOnComplete: { count: 50 }, removeOnFail: { count: 50 } },
  // A failed sync is retried soon; removed on completion so the next request for the same scope can run.
  'templates.sync': {
    attempts: 3,
    backoff: { type: 'exponential', delay: 30_000 },
    removeOnComplete: true,
    removeOnFail: { age: 3600, count: 100 },
  },
  // Retryable Graph failures (5xx, timeouts, throttling) run again; the operation row counts the
  // attempts and turns final after the last one, whatever BullMQ still holds.
  'templates.operation': {
    attempts: 3,
    backoff: { type: 'exponential', delay: 10_000 },
    removeOnComplete: { age: 3600, count: 10_000 },
    removeOnFail: { age: 24 * 3600 },
  },
  'templates.operations-sweep': { attempts: 1, removeOnComplete: { count: 50 }, removeOnFail: { count: 50 } },
  'messages.sweep': { attempts: 1, removeOnComplete: { count: 50 }, removeOnFail: { count: 50 } },
  // Meta's answers are retried by the send worker (taxonomy retryAfterMs), which moves the job itself.
  // BullMQ's attempts only cover a step that threw (database, Redis or the limiter away): about 2 min
  // of backoff, then the job fails and the outbox sweep re-drives the row.
  'messages.fallback': {
    attempts: 8,
    backoff: { type: 'exponential', delay: 1_000, jitter: 0.5 },
    removeOnComplete: { age: 3600, count: 10_000 },
    removeOnFail: { age: 24 * 3600 },
  },
  'messages.send': {
    attempts: 8,
    backoff: { type: 'exponential', delay: 1_000, jitter: 0.5 },
    removeOnComplete: { age: 3600, count: 10_000 },
    removeOnFail: { age: 24 * 3600 },
  },
  // A failed batch is retried; each inbox row also counts its own attempts and stops at a bound.
  'webhooks.process': {
    attempts: 5,
    backoff: { type: 'exponential', delay: 2_000 },
    removeOnComplete: { age: 600, count: 10_000 },
    removeOnFail: { age: 24 * 3600 },
  },
  'webhooks.sweep': { attempts: 1, removeOnComplete: { count: 50 }, removeOnFail: { count: 50 } },
  // An endpoint's answer is the delivery service's to retry (24 h of backoff, then dead). BullMQ's
  // attempts only cover an unexpected throw (database or Redis away): a delayed retry of the same
  // attempt; after the last one the events sweep removes the failed job and adds it again.
  'events.deliver': {
    attempts: 5,
    backoff: { type: 'exponential', delay: 5_000 },
    removeOnComplete: { age: 3600, count: 10_000 },
    removeOnFail: { age: 24 * 3600 },
  },
  'events.sweep': { attempts: 1, removeOnComplete: { count: 50 }, removeOnFail: { count: 50 } },
  'events.prune': { attempts: 1, removeOnComplete: { count: 50 }, removeOnFail: { count: 50 } },
  'alerts.check': { attempts: 1, removeOnComplete: { count: 50 }, removeOnFail: { count: 50 } },
};

/** Job ids come from natural keys, so a re-enqueue of the same thing is a no-op in BullMQ. */
const JOB_IDS: { [N in JobName]: (payload: JobPayload<N>) => string } = {
  'system.probe': (payload) => `probe-${payload.probeId}`,
  // Workers starting in the same hour share one start-up run.
  'accounts.token-check': () => `token-check-start-${new Date().toISOString().slice(0, 13)}`,
  'accounts.probe': () => `accounts-probe-start-${new Date().toISOString().slice(0, 13)}`,
  // One pending sync per tenant environment; BullMQ ids cannot contain ':'.
  'templates.sync': (payload) => `templates-sync-${payload.tenantId}-${payload.environment}`,
  'templates.operation': (payload) => `template-operation-${payload.operationId}`,
  'templates.operations-sweep': () => `template-operations-sweep-start-${new Date().toISOString().slice(0, 16)}`,
  // One job per message and requeue: a re-enqueue (replay, sweeper) of the same message is a no-op,
  // while a retry gets a new id (BullMQ keeps finished jobs, and adding a kept id does nothing).
  'messages.send': (payload) => `message-${payload.messageId}${payload.step ? `-step-${payload.step}` : ''}${payload.retry ? `-retry-${payload.retry}` : ''}`,
  'messages.fallback': (payload) => `message-fallback-${payload.messageId}-${payload.step}`,
  'messages.sweep': () => `outbox-sweep-start-${new Date().toISOString().slice(0, 16)}`,
  // A committed inbox row is in one ingest job, and the ids are sorted: the first and count name it.
  'webhooks.process': (payload) =>
    `webhook-inbox-${payload.inboxIds[0] ?? 0}-${payload.inboxIds.length}${payload.sweptAt === undefined ? '' : `-swept-${payload.sweptAt}`}`,
  'webhooks.sweep': () => `webhooks-sweep-start-${new Date().toISOString().slice(0, 16)}`,
  // One job per delivery attempt: a live job of the attempt is never doubled (the sweep's redrive keeps it, and replaces only a finished one).
  'events.deliver': (payload) => `event-delivery-${payload.deliveryId}-${payload.replays}-${payload.attempt}`,
  'events.sweep': () => `events-sweep-start-${new Date().toISOString().slice(0, 16)}`,
  'events.prune': () => `events-prune-start-${new Date().toISOString().slice(0, 13)}`,
  'alerts.check': () => `alerts-check-start-${new Date().toISOString().slice(0, 16)}`,
};

/**
 * Periodic jobs. Every worker upserts them at start; BullMQ keeps one scheduler per
 * id, so each run happens once across all workers.
 */
export const SCHEDULES = [
  { id: 'accounts.token-check', job: 'accounts.token-check', everyMs: 24 * 3600 * 1000 },
  { id: 'accounts.probe', job: 'accounts.probe', everyMs: 5 * 60 * 1000 },
  { id: 'messages.sweep', job: 'messages.sweep', everyMs: 30 * 1000 },
  { id: 'webhooks.sweep', job: 'webhooks.sweep', everyMs: 30 * 1000 },
  { id: 'events.sweep', job: 'events.sweep', everyMs: 30 * 1000 },
  { id: 'events.prune', job: 'events.prune', everyMs: 3600 * 1000 },
  { id: 'templates.operations-sweep', job: 'templates.operations-sweep', everyMs: 60 * 1000 },
  { id: 'alerts.check', job: 'alerts.check', everyMs: 60 * 1000 },
] as const satisfies ReadonlyArray<{ id: string; job: JobName; everyMs: number }>;

/** Attempts, backoff and retention of a job, without an id (schedulers make their own). */
export function jobSettingsFor(name: JobName): JobsOptions {
  return OPTIONS[name];
}

/** Jobs that wait: how long from now, from the payload (so every producer of the job delays it alike). */
const JOB_DELAYS: { [N in JobName]?: (payload: JobPayload<N>) => number } = {
  'events.deliver': (payload) => payload.delayMs ?? 0,
  'messages.send': (payload) => (payload.notBefore ? Math.max(0, Date.parse(payload.notBefore) - Date.now()) : 0),
  'messages.fallback': (payload) => Math.max(0, Date.parse(payload.dueAt) - Date.now()),
};

export function jobOptionsFor<N extends JobName>(name: N, payload: JobPayload<N>): JobsOptions {
  const delay = (JOB_DELAYS[name] as ((payload: JobPayload<N>) => number) | undefined)?.(payload) ?? 0;
  return { ...jobSettingsFor(name), jobId: JOB_IDS[name](payload), ...(delay > 0 ? { delay } : {}) };
}
