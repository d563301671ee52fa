export * from './lib/channel-plugins';
export * from './lib/load-channel-plugins';
export * from './lib/message-api-docs';
