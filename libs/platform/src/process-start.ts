/**
 * Second public entry point of the lib: what an app applies to its own process before it loads
 * anything else. It must not pull in NestJS or drivers.
 */
export { tuneGarbageCollector } from './lib/process/garbage-collector';
