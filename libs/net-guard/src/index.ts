export * from './lib/address-policy';
export * from './lib/public-address.dispatcher';
