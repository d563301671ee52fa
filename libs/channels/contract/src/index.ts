export * from './lib/channel-plugin';
export * from './lib/channel-registry';
export * from './lib/channel-conformance';
export * from './lib/message-metadata.schema';
