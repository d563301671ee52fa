export * from './lib/contract-exception.filter';
export * from './lib/database.resolver';
export * from './lib/migrate-command';
export * from './lib/parse-input';
export * from './lib/run-http-app';
export * from './lib/openapi';
