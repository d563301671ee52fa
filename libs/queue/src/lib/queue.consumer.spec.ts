import { context, propagation, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { core } from '@opentelemetry/sdk-node';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { Job, Queue, Worker } from 'bullmq';
import { createTestRedis, type TestRedis } from '@switchboard/testing';
import { QUEUE_NAMES, type QueueName } from './queue.constants';
import { processInConsumerSpan } from './queue.consumer';
import { QueueProducer } from './queue.producer';
import { redisConnectionOptions } from './redis-connection';

describe('processInConsumerSpan (OpenTelemetry messaging conventions) on jobs of the real Redis', () => {
  const spans = new InMemorySpanExporter();
  const traceId = '4bf92f3577b34da6a3ce929d0e0e4736';
  const producerSpanId = '00f067aa0ba902b7';
  const contextManager = new AsyncLocalStorageContextManager();
  let redis: TestRedis;
  let queues: Map<QueueName, Queue>;
  let producer: QueueProducer;

  const stored = async (job: Job) => (await Job.fromId(producer.queue(job.queueName as QueueName), job.id as string)) as Job;

  beforeAll(() => {
    trace.setGlobalTracerProvider(new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(spans)] }));
    propagation.setGlobalPropagator(new core.W3CTraceContextPropagator());
    context.setGlobalContextManager(contextManager.enable());
    redis = createTestRedis('queue_consumer');
    queues = new Map(
      ([QUEUE_NAMES.tenantEvents, QUEUE_NAMES.webhooks] as QueueName[]).map((name) => [
        name,
        new Queue(name, { connection: redisConnectionOptions(redis.url), prefix: redis.prefix }),
      ]),
    );
    producer = new QueueProducer(queues);
  });

  afterAll(async () => {
    await Promise.all([...queues.values()].map((queue) => queue.close()));
    await redis.cleanup();
    trace.disable();
    propagation.disable();
    context.disable();
  });

  beforeEach(() => spans.reset());

  it('runs the work in an active CONSUMER span "process <queue>" that continues the trace the payload carries', async () => {
    const deliveryId = '0b4f3c9e-8a52-4c1e-9d0f-6f1d2a3b4c5d';
    const job = await stored(await producer.add('events.deliver', { deliveryId, replays: 0, attempt: 2, traceparent: `00-${traceId}-${producerSpanId}-01` }));
    spans.reset();

    const result = await processInConsumerSpan('events.deliver', job, async (payload) => {
      trace.getTracer('test').startSpan('inside the work').end();
      return payload.deliveryId;
    });

    expect(result).toBe(deliveryId);
    const consumer = spans.getFinishedSpans().find((span) => span.name === 'process tenant-events');
    const inner = spans.getFinishedSpans().find((span) => span.name === 'inside the work');
    expect(consumer?.kind).toBe(SpanKind.CONSUMER);
    expect(consumer?.spanContext().traceId).toBe(traceId);
    expect(consumer?.parentSpanContext?.spanId).toBe(producerSpanId);
    expect(consumer?.attributes).toEqual({
      'messaging.system': 'bullmq',
      'messaging.operation.type': 'process',
      'messaging.operation.name': 'process',
      'messaging.destination.name': 'tenant-events',
      'messaging.bullmq.job.name': 'events.deliver',
      'messaging.message.id': `event-delivery-${deliveryId}-0-2`,
    });
    expect(consumer?.status.code).toBe(SpanStatusCode.UNSET);
    expect(inner?.parentSpanContext?.spanId).toBe(consumer?.spanContext().spanId);
  });

  it('a job without a trace starts a new one; a job enqueued by the work joins the consumer span', async () => {
    const job = await stored(await producer.add('webhooks.process', { inboxIds: [5] }));
    spans.reset();

    const next = await processInConsumerSpan('webhooks.process', job, () =>
      producer.add('events.deliver', { deliveryId: '1c5a4d0f-9b63-4d2f-8e1a-7a2e3b4c5d6e', replays: 0, attempt: 0 }),
    );

    const consumer = spans.getFinishedSpans().find((span) => span.name === 'process webhooks');
    const send = spans.getFinishedSpans().find((span) => span.name === 'send tenant-events');
    expect(consumer?.parentSpanContext).toBeUndefined();
    expect(consumer?.attributes).toMatchObject({ 'messaging.destination.name': 'webhooks', 'messaging.bullmq.job.name': 'webhooks.process', 'messaging.message.id': job.id });
    expect(send?.spanContext().traceId).toBe(consumer?.spanContext().traceId);
    expect(send?.parentSpanContext?.spanId).toBe(consumer?.spanContext().spanId);
    await next.remove();
  });

  it('marks the span as an error, without the message, when the work throws or the payload is refused', async () => {
    const job = await stored(await producer.add('webhooks.process', { inboxIds: [7] }));
    spans.reset();

    await expect(processInConsumerSpan('webhooks.process', job, () => Promise.reject(new TypeError('https://example.test/?secret=not-for-spans')))).rejects.toThrow(TypeError);
    const work = jest.fn(() => Promise.resolve());
    await expect(processInConsumerSpan('webhooks.process', { ...job, data: { inboxIds: [] } } as unknown as Job, work)).rejects.toThrow();

    const [thrown, refused] = spans.getFinishedSpans();
    expect(thrown?.status).toEqual({ code: SpanStatusCode.ERROR });
    expect(thrown?.attributes['error.type']).toBe('TypeError');
    expect(refused?.status).toEqual({ code: SpanStatusCode.ERROR });
    expect(refused?.attributes['error.type']).toBe('ZodError');
    expect(work).not.toHaveBeenCalled();
    expect(JSON.stringify(spans.getFinishedSpans().map((span) => [span.attributes, span.status, span.events]))).not.toContain('not-for-spans');
  });

  it('is what a BullMQ worker runs: one consumer span per job, ended when the job completes', async () => {
    const queue = producer.queue(QUEUE_NAMES.webhooks);
    await queue.obliterate({ force: true });
    const worker = new Worker(QUEUE_NAMES.webhooks, (job) => processInConsumerSpan('webhooks.process', job, async (payload) => payload.inboxIds.length), {
      connection: redisConnectionOptions(redis.url),
      prefix: redis.prefix,
    });
    try {
      const completed = new Promise<unknown>((resolve) => worker.once('completed', (_job, value) => resolve(value)));
      const job = await producer.add('webhooks.process', { inboxIds: [11, 12, 13] });
      expect(await completed).toBe(3);
      const consumer = spans.getFinishedSpans().find((span) => span.name === 'process webhooks');
      expect(consumer?.kind).toBe(SpanKind.CONSUMER);
      expect(consumer?.attributes['messaging.message.id']).toBe(job.id);
    } finally {
      await worker.close();
    }
  });
});
