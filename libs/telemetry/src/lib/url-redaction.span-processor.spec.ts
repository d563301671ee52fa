import { SpanKind } from '@opentelemetry/api';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { UrlRedactionSpanProcessor } from './url-redaction.span-processor';

describe('UrlRedactionSpanProcessor', () => {
  it('exports URL attributes of every span with their query values redacted', async () => {
    const exporter = new InMemorySpanExporter();
    const provider = new BasicTracerProvider({ spanProcessors: [new UrlRedactionSpanProcessor(), new SimpleSpanProcessor(exporter)] });
    const tracer = provider.getTracer('spec');
    tracer
      .startSpan('GET', {
        kind: SpanKind.CLIENT,
        attributes: {
          'url.full': 'https://graph.example/debug_token?input_token=tok-1',
          'url.query': '?client_secret=sec-2&fb_exchange_token=tok-3',
          'http.url': 'http://gw/webhooks/whatsapp/1?hub.verify_token=ver-4',
          'http.target': '/webhooks/whatsapp/1?hub.verify_token=ver-5',
          'url.original': '/v1/x?key=key-6',
          'url.path': '/debug_token',
        },
      })
      .end();
    await provider.forceFlush();
    const [span] = exporter.getFinishedSpans();
    expect(span?.attributes).toEqual({
      'url.full': 'https://graph.example/debug_token?input_token=[redacted]',
      'url.query': '?client_secret=[redacted]&fb_exchange_token=[redacted]',
      'http.url': 'http://gw/webhooks/whatsapp/1?hub.verify_token=[redacted]',
      'http.target': '/webhooks/whatsapp/1?hub.verify_token=[redacted]',
      'url.original': '/v1/x?key=[redacted]',
      'url.path': '/debug_token',
    });
    await provider.shutdown();
  });
});
