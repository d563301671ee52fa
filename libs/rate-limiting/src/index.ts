export * from './lib/messaging-limit-tier';
export * from './lib/rate-limit.connection';
export * from './lib/rate-limiting.constants';
export * from './lib/rate-limiting.module';
export * from './lib/send-limiter.service';
export * from './lib/send-limiter.types';
export * from './lib/tenant-request-quota.service';
export * from './lib/tenant-quota-refusal';
