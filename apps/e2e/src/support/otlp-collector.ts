import { createServer } from 'node:http';

export interface CollectedSpan {
  traceId: string;
  spanId: string;
  name: string;
  attributes: Record<string, string | number | boolean>;
}

export interface OtlpCollector {
  /** The OTEL_EXPORTER_OTLP_ENDPOINT to give the process under test. */
  readonly endpoint: string;
  spans(): CollectedSpan[];
  close(): Promise<void>;
}

interface OtlpValue {
  stringValue?: string;
  intValue?: string | number;
  boolValue?: boolean;
  doubleValue?: number;
}

function plain(value: OtlpValue): string | number | boolean {
  if (value.stringValue !== undefined) return value.stringValue;
  if (value.intValue !== undefined) return Number(value.intValue);
  if (value.doubleValue !== undefined) return value.doubleValue;
  return value.boolValue ?? '';
}

/** Receives OTLP/HTTP JSON trace exports (what the apps send to Jaeger or a collector) and keeps the spans. */
export async function startOtlpCollector(): Promise<OtlpCollector> {
  const collected: CollectedSpan[] = [];
  const server = createServer((request, response) => {
    let body = '';
    request.on('data', (chunk: Buffer) => (body += chunk.toString()));
    request.on('end', () => {
      if (request.url === '/v1/traces' && request.headers['content-type']?.includes('json')) {
        const parsed = JSON.parse(body) as {
          resourceSpans?: Array<{ scopeSpans?: Array<{ spans?: Array<{ traceId: string; spanId: string; name: string; attributes?: Array<{ key: string; value: OtlpValue }> }> }> }>;
        };
        for (const resource of parsed.resourceSpans ?? []) {
          for (const scope of resource.scopeSpans ?? []) {
            for (const span of scope.spans ?? []) {
              collected.push({
                traceId: span.traceId,
                spanId: span.spanId,
                name: span.name,
                attributes: Object.fromEntries((span.attributes ?? []).map((attribute) => [attribute.key, plain(attribute.value)])),
              });
            }
          }
        }
      }
      response.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return {
    endpoint: `http://127.0.0.1:${port}`,
    spans: () => [...collected],
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
