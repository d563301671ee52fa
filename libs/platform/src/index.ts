export * from './lib/contract-exception.filter';
export * from './lib/database.resolver';
export * from './lib/fail-startup';
export * from './lib/maintenance-commands';
export * from './lib/parse-input';
export * from './lib/run-http-app';
export * from './lib/openapi';
export * from './lib/short-lived-cache';
