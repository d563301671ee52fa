export * from './lib/config-error';
export * from './lib/config.constants';
export * from './lib/config.module';
export * from './lib/development-secret';
export * from './lib/env.schema';
export * from './lib/load-config';
export * from './lib/redis-url';
