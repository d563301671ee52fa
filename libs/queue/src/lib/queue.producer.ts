import { context, propagation, SpanKind, SpanStatusCode, trace, type Attributes, type Context } from '@opentelemetry/api';
import type { Job, Queue } from 'bullmq';
import { JOBS, type JobName, type JobPayload } from './job-map';
import { jobOptionsFor, jobSettingsFor } from './job-options';
import type { QueueName } from './queue.constants';

const tracer = trace.getTracer('@switchboard/queue');

/**
 * OpenTelemetry messaging semantic conventions for a BullMQ job: what every producer and
 * consumer span of a queue carries, so a trace backend groups them by queue and job.
 */
export function messagingSpanAttributes(operation: 'send' | 'process', queue: QueueName, jobName: JobName, jobId?: string): Attributes {
  return {
    'messaging.system': 'bullmq',
    'messaging.operation.type': operation,
    'messaging.operation.name': operation === 'send' ? 'add' : 'process',
    'messaging.destination.name': queue,
    'messaging.bullmq.job.name': jobName,
    ...(jobId ? { 'messaging.message.id': jobId } : {}),
  };
}

/** The context a job's span starts in: the trace the payload carries when it has one, else the active one. */
export function carriedContext(traceparent: string | undefined): Context {
  return traceparent ? propagation.extract(context.active(), { traceparent }) : context.active();
}

/**
 * The only way code enqueues work: the payload is validated against the job map
 * before it reaches Redis, and options and ids come from job-options.
 */
export class QueueProducer {
  constructor(private readonly queues: ReadonlyMap<QueueName, Queue>) {}

  /**
   * Enqueues inside a PRODUCER span `send <queue>`. Its parent is the trace the payload carries
   * (a sweep re-enqueueing an old message continues that message's trace), else the active one.
   */
  async add<N extends JobName>(name: N, payload: JobPayload<N>): Promise<Job> {
    const definition = JOBS[name];
    const data = definition.payload.parse(payload) as JobPayload<N>;
    const queue = this.queues.get(definition.queue);
    if (!queue) throw new Error(`Queue ${definition.queue} is not registered in this process`);
    const parent = carriedContext((data as { traceparent?: string }).traceparent);
    const attributes = messagingSpanAttributes('send', definition.queue, name);
    return tracer.startActiveSpan(`send ${definition.queue}`, { kind: SpanKind.PRODUCER, attributes }, parent, async (span) => {
      try {
        const job = await queue.add(name, data, jobOptionsFor(name, data));
        if (job.id) span.setAttribute('messaging.message.id', job.id);
        return job;
      } catch (error) {
        span.setStatus({ code: SpanStatusCode.ERROR, message: error instanceof Error ? error.message : String(error) });
        throw error;
      } finally {
        span.end();
      }
    });
  }

  /**
   * Enqueues jobs of one name in one round trip (BullMQ's addBulk: one MULTI of their adds),
   * inside one PRODUCER span linked to the trace each payload carries.
   */
  async addBulk<N extends JobName>(name: N, payloads: readonly JobPayload<N>[]): Promise<Job[]> {
    const definition = JOBS[name];
    const data = payloads.map((payload) => definition.payload.parse(payload) as JobPayload<N>);
    const queue = this.queue(definition.queue);
    const links = data.flatMap((one) => {
      const carried = trace.getSpanContext(carriedContext((one as { traceparent?: string }).traceparent));
      return carried ? [{ context: carried }] : [];
    });
    const attributes = { ...messagingSpanAttributes('send', definition.queue, name), 'messaging.batch.message_count': data.length };
    return tracer.startActiveSpan(`send ${definition.queue}`, { kind: SpanKind.PRODUCER, attributes, links }, async (span) => {
      try {
        return await queue.addBulk(data.map((one) => ({ name, data: one, opts: jobOptionsFor(name, one) })));
      } catch (error) {
        span.setStatus({ code: SpanStatusCode.ERROR, message: error instanceof Error ? error.message : String(error) });
        throw error;
      } finally {
        span.end();
      }
    });
  }

  /**
   * Enqueues the job again unless a live one (waiting, delayed, active) of its id exists. Adding
   * an id BullMQ still keeps as failed or completed is a no-op, so such a job is removed first:
   * what sweeps use for work the database says is still to do. `claim` runs once the job is known
   * not to be live and before anything changes (e.g. a conditional update, so of several sweeps
   * only one re-adds); false leaves everything as it was. True when a job was added.
   */
  async redrive<N extends JobName>(name: N, payload: JobPayload<N>, claim: () => Promise<boolean> = async () => true): Promise<boolean> {
    const data = JOBS[name].payload.parse(payload) as JobPayload<N>;
    const { jobId } = jobOptionsFor(name, data);
    const queue = this.queue(JOBS[name].queue);
    const state = jobId === undefined ? 'unknown' : await queue.getJobState(jobId);
    if (state !== 'failed' && state !== 'completed' && state !== 'unknown') return false;
    if (!(await claim())) return false;
    // BullMQ refuses to remove a job a worker holds: another sweep re-added it and a worker took it
    // meanwhile, so it runs anyway.
    if (jobId !== undefined && state !== 'unknown' && !(await queue.remove(jobId).then(() => true, () => false))) return false;
    await this.add(name, data);
    return true;
  }

  /** Creates or updates the scheduler `id` (one per id across all processes). */
  async schedule<N extends JobName>(id: string, name: N, everyMs: number, payload: JobPayload<N>): Promise<void> {
    const data = JOBS[name].payload.parse(payload) as JobPayload<N>;
    await this.queue(JOBS[name].queue).upsertJobScheduler(id, { every: everyMs }, { name, data, opts: jobSettingsFor(name) });
  }

  queue(name: QueueName): Queue {
    const queue = this.queues.get(name);
    if (!queue) throw new Error(`Queue ${name} is not registered in this process`);
    return queue;
  }
}
