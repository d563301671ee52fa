export * from './lib/job-map';
export * from './lib/job-options';
export * from './lib/queue.constants';
export * from './lib/queue.consumer';
export * from './lib/queue.metrics';
export * from './lib/queue.module';
export * from './lib/queue.producer';
export * from './lib/redis-connection';
