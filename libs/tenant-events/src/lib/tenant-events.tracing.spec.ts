import { context, propagation, SpanKind, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { core } from '@opentelemetry/sdk-node';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import type { Worker } from 'bullmq';
import { TenantEventsPublisher } from './tenant-events.publisher';
import { startDeliveryWorker, startEventReceiver, startTenantEventsApp, type EventReceiver, type TenantEventsTestApp } from './tenant-events.test-helper';

describe('tenant-event processor spans (real Postgres, Redis and worker, a local receiver)', () => {
  const spans = new InMemorySpanExporter();
  const contextManager = new AsyncLocalStorageContextManager();
  let t: TenantEventsTestApp;
  let worker: Worker;
  let receiver: EventReceiver;

  const consumerSpans = () => spans.getFinishedSpans().filter((span) => span.name === 'process tenant-events');
  const until = async (check: () => boolean | Promise<boolean>, what: string) => {
    const deadline = Date.now() + 10_000;
    while (!(await check())) {
      if (Date.now() > deadline) throw new Error(`${what}: not reached in 10 s`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  };

  beforeAll(async () => {
    trace.setGlobalTracerProvider(new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(spans)] }));
    propagation.setGlobalPropagator(new core.W3CTraceContextPropagator());
    context.setGlobalContextManager(contextManager.enable());
    receiver = await startEventReceiver();
    t = await startTenantEventsApp('tenant_events_tracing', { allowPrivateTargets: true, retryDelaysMs: [50], timeoutMs: 2000 });
    worker = startDeliveryWorker(t);
  }, 30_000);

  afterAll(async () => {
    await worker?.close();
    await t?.close();
    await receiver?.close();
    trace.disable();
    propagation.disable();
    context.disable();
  });

  it('each delivery attempt is a CONSUMER span with the messaging attributes, in the trace that published the event', async () => {
    const created = await t.call('POST', '/v1/endpoints', t.keys.live, { url: receiver.url('/traced'), events: ['message.status'] });
    expect(created.status).toBe(201);
    receiver.answer(500);
    const publisher = t.app.get(TenantEventsPublisher);
    const { traceId, deliveryId } = await trace.getTracer('test').startActiveSpan('status applied', async (span) => {
      const [id] = await t.dataSource.transaction((manager) => publisher.publish(manager, { tenantId: t.tenantId, environment: 'live' }, 'message.status', { messageId: 'msg_traced' }));
      if (!id) throw new Error('no delivery published');
      await publisher.dispatch([id]);
      span.end();
      return { traceId: span.spanContext().traceId, deliveryId: id };
    });

    await receiver.waitFor(1);
    receiver.answer(200);
    await receiver.waitFor(2);
    await until(() => consumerSpans().length >= 2, 'two consumer spans');

    const [first, second] = consumerSpans();
    for (const [span, attempt] of [
      [first, 0],
      [second, 1],
    ] as const) {
      expect(span?.kind).toBe(SpanKind.CONSUMER);
      expect(span?.spanContext().traceId).toBe(traceId);
      expect(span?.attributes).toEqual({
        'messaging.system': 'bullmq',
        'messaging.operation.type': 'process',
        'messaging.operation.name': 'process',
        'messaging.destination.name': 'tenant-events',
        'messaging.bullmq.job.name': 'events.deliver',
        'messaging.message.id': `event-delivery-${deliveryId}-0-${attempt}`,
      });
    }
    // The second attempt was enqueued inside the first one's span: it is that span's child.
    expect(second?.parentSpanContext?.spanId).toBe(first?.spanContext().spanId);
  });
});
