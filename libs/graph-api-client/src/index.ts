export * from './lib/graph-api-client';
export * from './lib/graph-api-client.options';
export * from './lib/graph-api.types';
export * from './lib/graph-call-kind';
export * from './lib/outbound-message.types';
export * from './lib/usage-headers';
export { ClockSkewTracker } from './lib/clock-skew.tracker';
