export * from './lib/channel-plugin';
export * from './lib/channel-registry';
