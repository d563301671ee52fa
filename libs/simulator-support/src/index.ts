export * from './lib/armed-faults';
export * from './lib/bounded-log';
