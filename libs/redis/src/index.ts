export * from './lib/hash-tag';
export * from './lib/redis-client';
