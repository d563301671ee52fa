import { propagation, SpanKind, trace } from '@opentelemetry/api';
import { core } from '@opentelemetry/sdk-node';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { Job, Queue } from 'bullmq';
import { createTestRedis, type TestRedis } from '@switchboard/testing';
import { QUEUE_NAMES, QueueProducer, redisConnectionOptions } from '@switchboard/queue';
import { SystemProcessor, WORKER_ID } from './system.processor';

describe('SystemProcessor', () => {
  const spans = new InMemorySpanExporter();
  let redis: TestRedis;
  let queue: Queue;

  beforeAll(() => {
    trace.setGlobalTracerProvider(new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(spans)] }));
    propagation.setGlobalPropagator(new core.W3CTraceContextPropagator());
    redis = createTestRedis('system_processor');
    queue = new Queue(QUEUE_NAMES.system, { connection: redisConnectionOptions(redis.url), prefix: redis.prefix });
  });

  afterAll(async () => {
    await queue.close();
    await redis.cleanup();
    trace.disable();
    propagation.disable();
  });

  it('answers a probe with its worker id in a CONSUMER span of the producer’s trace (messaging conventions)', async () => {
    const traceparent = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';
    const added = await new QueueProducer(new Map([[QUEUE_NAMES.system, queue]])).add('system.probe', {
      probeId: 'probe-consumer-1',
      requestedAt: new Date().toISOString(),
      traceparent,
    });
    const job = (await Job.fromId(queue, added.id as string)) as Job;
    spans.reset();

    expect(await new SystemProcessor().process(job)).toEqual({ worker: WORKER_ID, probeId: 'probe-consumer-1' });
    const [span] = spans.getFinishedSpans();
    expect(span?.name).toBe('process system');
    expect(span?.kind).toBe(SpanKind.CONSUMER);
    expect(span?.spanContext().traceId).toBe('4bf92f3577b34da6a3ce929d0e0e4736');
    expect(span?.parentSpanContext?.spanId).toBe('00f067aa0ba902b7');
    expect(span?.attributes).toMatchObject({
      'messaging.system': 'bullmq',
      'messaging.operation.type': 'process',
      'messaging.destination.name': 'system',
      'messaging.message.id': 'probe-probe-consumer-1',
    });
  });
});
