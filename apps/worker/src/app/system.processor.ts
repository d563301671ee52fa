import { hostname } from 'node:os';
import { Processor, WorkerHost } from '@nestjs/bullmq';
import { propagation, ROOT_CONTEXT, SpanKind, trace } from '@opentelemetry/api';
import type { Job } from 'bullmq';
import { messagingSpanAttributes, parseJobPayload, QUEUE_NAMES } from '@switchboard/queue';

export const WORKER_ID = `${hostname()}:${process.pid}`;

const tracer = trace.getTracer('@switchboard/worker');

@Processor(QUEUE_NAMES.system)
export class SystemProcessor extends WorkerHost {
  async process(job: Job): Promise<{ worker: string; probeId: string }> {
    switch (job.name) {
      case 'system.probe': {
        const payload = parseJobPayload('system.probe', job.data);
        // A CONSUMER span in the prober's trace: a pipeline probe shows both ends in one trace.
        const parent = payload.traceparent ? propagation.extract(ROOT_CONTEXT, { traceparent: payload.traceparent }) : ROOT_CONTEXT;
        const attributes = messagingSpanAttributes('process', QUEUE_NAMES.system, 'system.probe', job.id);
        tracer.startSpan(`process ${QUEUE_NAMES.system}`, { kind: SpanKind.CONSUMER, attributes }, parent).end();
        return { worker: WORKER_ID, probeId: payload.probeId };
      }
      default:
        throw new Error(`system queue has no job named ${job.name}`);
    }
  }
}
