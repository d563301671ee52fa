import { SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import type { Job } from 'bullmq';
import { JOBS, parseJobPayload, type JobName, type JobPayload } from './job-map';
import { carriedContext, messagingSpanAttributes } from './queue.producer';

const tracer = trace.getTracer('@switchboard/queue');

/**
 * Runs one job's work inside a CONSUMER span `process <queue>` with the messaging semantic-convention
 * attributes, active while `work` runs (so its spans and jobs it enqueues belong to it). The span
 * continues the trace the payload carries (`traceparent`, set by the producer), else it is a new
 * trace. The payload is parsed inside the span: a payload the job map refuses is an error span too.
 * The status carries no error message: messages may hold URLs and values of the job's data.
 */
export function processInConsumerSpan<N extends JobName, T>(name: N, job: Job, work: (payload: JobPayload<N>) => Promise<T>): Promise<T> {
  const queue = JOBS[name].queue;
  const carried = (job.data as { traceparent?: unknown } | null)?.traceparent;
  const parent = carriedContext(typeof carried === 'string' ? carried : undefined);
  const attributes = messagingSpanAttributes('process', queue, name, job.id);
  return tracer.startActiveSpan(`process ${queue}`, { kind: SpanKind.CONSUMER, attributes }, parent, async (span) => {
    try {
      return await work(parseJobPayload(name, job.data));
    } catch (error) {
      span.setAttribute('error.type', error instanceof Error ? error.name : typeof error);
      span.setStatus({ code: SpanStatusCode.ERROR });
      throw error;
    } finally {
      span.end();
    }
  });
}
