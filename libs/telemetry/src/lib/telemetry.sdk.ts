import { getNodeAutoInstrumentations } from '@opentelemetry/auto-instrumentations-node';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { NodeSDK } from '@opentelemetry/sdk-node';
import { BatchSpanProcessor, type SpanExporter } from '@opentelemetry/sdk-trace-base';
import { loadConfig, telemetryEnvSchema, type TelemetryEnv } from '@switchboard/config';
import { UrlRedactionSpanProcessor } from './url-redaction.span-processor';

let sdk: NodeSDK | undefined;

function exporterFromEnvironment(env: TelemetryEnv): SpanExporter | undefined {
  if (env.OTEL_SDK_DISABLED) return undefined;
  const kind = env.OTEL_TRACES_EXPORTER ?? (env.OTEL_EXPORTER_OTLP_ENDPOINT || env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT ? 'otlp' : 'none');
  // Contract: traces are off unless an exporter is configured. OTLP over HTTP/JSON is
  // what Jaeger and the collector accept on 4318 without extra setup.
  return kind === 'otlp' ? new OTLPTraceExporter() : undefined;
}

/**
 * Starts OpenTelemetry. It must run before NestJS, pg, ioredis or undici are first
 * required, so each app's main.ts imports its instrumentation file first of all.
 * OTEL_SERVICE_NAME overrides the default name. Returns false when no exporter is
 * configured (nothing is started).
 */
export function startTelemetry(serviceName: string): boolean {
  if (sdk) return true;
  const env = loadConfig(telemetryEnvSchema);
  const exporter = exporterFromEnvironment(env);
  if (!exporter) return false;
  sdk = new NodeSDK({
    serviceName: env.OTEL_SERVICE_NAME ?? serviceName,
    // Redaction first: processors see a span in this order, the exporter's last.
    spanProcessors: [new UrlRedactionSpanProcessor(), new BatchSpanProcessor(exporter, { scheduledDelayMillis: 500 })],
    // Only traces are exported here; metrics are served by /metrics and logs by pino.
    metricReaders: [],
    logRecordProcessors: [],
    instrumentations: [
      getNodeAutoInstrumentations({
        '@opentelemetry/instrumentation-fs': { enabled: false },
        '@opentelemetry/instrumentation-dns': { enabled: false },
        '@opentelemetry/instrumentation-net': { enabled: false },
        // Log correlation comes from our pino mixin, which also works without the SDK.
        '@opentelemetry/instrumentation-pino': { enabled: false },
        '@opentelemetry/instrumentation-http': {
          ignoreIncomingRequestHook: (request) => request.url === '/metrics' || (request.url ?? '').startsWith('/health/live'),
        },
      }),
    ],
  });
  sdk.start();
  return true;
}

/** Flushes pending spans; part of every app's graceful shutdown. */
export async function shutdownTelemetry(): Promise<void> {
  const current = sdk;
  sdk = undefined;
  await current?.shutdown().catch(() => undefined);
}
