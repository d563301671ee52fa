export * from './lib/http-metrics.hook';
export * from './lib/log-redaction';
export * from './lib/logger.module';
export * from './lib/request-log.hook';
export * from './lib/metrics.module';
export * from './lib/metrics.registry';
export * from './lib/trace-context';
export * from './lib/cluster-metrics';
