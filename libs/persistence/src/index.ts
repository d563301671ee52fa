export * from './lib/data-source.factory';
export * from './lib/embedded-postgres';
export * from './lib/migration.runner';
export * from './lib/migrations';
export * from './lib/persistence.module';
