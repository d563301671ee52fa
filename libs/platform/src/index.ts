export * from './lib/database.resolver';
export * from './lib/run-http-app';
export * from './lib/migrate-command';
