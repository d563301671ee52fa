import { propagation, SpanKind, trace } from '@opentelemetry/api';
import { core } from '@opentelemetry/sdk-node';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { Queue } from 'bullmq';
import { createTestRedis, type TestRedis } from '@switchboard/testing';
import { QUEUE_NAMES, type QueueName } from './queue.constants';
import { QueueProducer } from './queue.producer';
import { redisConnectionOptions } from './redis-connection';

describe('QueueProducer spans (OpenTelemetry messaging conventions) against the real Redis', () => {
  const spans = new InMemorySpanExporter();
  let redis: TestRedis;
  let queues: Map<QueueName, Queue>;
  let producer: QueueProducer;

  beforeAll(() => {
    trace.setGlobalTracerProvider(new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(spans)] }));
    propagation.setGlobalPropagator(new core.W3CTraceContextPropagator());
    redis = createTestRedis('queue_tracing');
    queues = new Map(
      ([QUEUE_NAMES.system, QUEUE_NAMES.messages] as QueueName[]).map((name) => [
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
  });

  beforeEach(() => spans.reset());

  it('wraps each enqueue in a PRODUCER span "send <queue>" inside the trace the payload carries', async () => {
    const traceId = '4bf92f3577b34da6a3ce929d0e0e4736';
    const parentSpanId = '00f067aa0ba902b7';
    const job = await producer.add('messages.send', { messageId: 'msg_01JDQ5X9V7Y2M3N4P5Q6R7S8T9', traceparent: `00-${traceId}-${parentSpanId}-01` });

    const [span] = spans.getFinishedSpans();
    expect(spans.getFinishedSpans()).toHaveLength(1);
    expect(span?.name).toBe('send messages');
    expect(span?.kind).toBe(SpanKind.PRODUCER);
    expect(span?.spanContext().traceId).toBe(traceId);
    expect(span?.parentSpanContext?.spanId).toBe(parentSpanId);
    expect(span?.attributes).toEqual({
      'messaging.system': 'bullmq',
      'messaging.operation.type': 'send',
      'messaging.operation.name': 'add',
      'messaging.destination.name': 'messages',
      'messaging.bullmq.job.name': 'messages.send',
      'messaging.message.id': job.id,
    });
  });

  it('starts its own trace when neither the payload nor the caller has one, and marks a refused enqueue as an error', async () => {
    await producer.add('system.probe', { probeId: 'probe-tracing-1', requestedAt: new Date().toISOString() });
    const [span] = spans.getFinishedSpans();
    expect(span?.name).toBe('send system');
    expect(span?.parentSpanContext).toBeUndefined();

    spans.reset();
    const closed = new Queue(QUEUE_NAMES.system, { connection: redisConnectionOptions(redis.url), prefix: redis.prefix });
    await closed.close();
    await expect(new QueueProducer(new Map([[QUEUE_NAMES.system, closed]])).add('system.probe', { probeId: 'probe-tracing-2', requestedAt: new Date().toISOString() })).rejects.toThrow();
    expect(spans.getFinishedSpans()[0]?.status.code).toBe(2);
  });
});
