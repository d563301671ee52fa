import { startTelemetry } from '@switchboard/telemetry/instrumentation';

startTelemetry('switchboard-worker');
