import { loadConfig, telemetryEnvSchema, type TelemetryEnv } from '@switchboard/config';

interface StartedSdk {
  shutdown(): Promise<void>;
}

let sdk: StartedSdk | undefined;

/**
 * Contract: traces are off unless an exporter is configured. OTLP over HTTP/JSON is what
 * Jaeger and the collector accept on 4318 without extra setup.
 */
function tracesOn(env: TelemetryEnv): boolean {
  if (env.OTEL_SDK_DISABLED) return false;
  const kind = env.OTEL_TRACES_EXPORTER ?? (env.OTEL_EXPORTER_OTLP_ENDPOINT || env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT ? 'otlp' : 'none');
  return kind === 'otlp';
}

/**
 * Starts OpenTelemetry. It must run before NestJS, pg, ioredis or undici are first
 * required, so each app's main.ts imports its instrumentation file first of all.
 * OTEL_SERVICE_NAME overrides the default name. Returns false when no exporter is
 * configured: then nothing is started, and the SDK is not even loaded.
 */
export function startTelemetry(serviceName: string): boolean {
  if (sdk) return true;
  const env = loadConfig(telemetryEnvSchema);
  if (!tracesOn(env)) return false;
  // Required here, not imported: the SDK loads only when traces are on.
  const { startNodeSdk } = require('./node-sdk') as typeof import('./node-sdk');
  sdk = startNodeSdk(env.OTEL_SERVICE_NAME ?? serviceName);
  return true;
}

/** Flushes pending spans; part of every app's graceful shutdown. */
export async function shutdownTelemetry(): Promise<void> {
  const current = sdk;
  sdk = undefined;
  await current?.shutdown().catch(() => undefined);
}
