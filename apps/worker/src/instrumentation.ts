import { tuneGarbageCollector } from '@switchboard/platform/process-start';
import { startTelemetry } from '@switchboard/telemetry/instrumentation';

tuneGarbageCollector();
startTelemetry('switchboard-worker');
