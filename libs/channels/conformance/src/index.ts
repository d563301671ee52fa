export * from './lib/describe-channel-conformance';
export * from './lib/conformance-checks';
export * from './lib/fixture.schemas';
export * from './lib/replay-server';
export * from './lib/request-match';
