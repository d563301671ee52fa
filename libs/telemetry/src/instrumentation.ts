/**
 * Second public entry point of the lib: what an app's instrumentation file imports
 * before anything else. It must not pull in NestJS, pino or drivers, or their
 * auto-instrumentation would be too late.
 */
export { shutdownTelemetry, startTelemetry } from './lib/telemetry.sdk';
