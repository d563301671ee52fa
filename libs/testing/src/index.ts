export * from './lib/test-database';
export * from './lib/test-redis';
export * from './lib/test-redis-cluster';
export * from './lib/free-port';
export * from './lib/caught-switchboard-error';
export * from './lib/self-signed-certificate';
export * from './lib/tcp-fault-proxy';
