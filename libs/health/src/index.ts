export * from './lib/health.constants';
export * from './lib/health.module';
export * from './lib/postgres.health-indicator';
export * from './lib/probe';
export * from './lib/redis.health-indicator';
