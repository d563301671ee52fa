import { setFlagsFromString } from 'node:v8';

/**
 * V8's allocation-site pretenuring, off. When most objects of one allocation site survive a
 * scavenge, V8 allocates that site's objects in the old generation directly from then on. A
 * request answered a few milliseconds late (a busy moment of two shared cores) survives its
 * scavenge, so under load per-request sites get tenured, their objects die in the old generation,
 * and full collections (tens of milliseconds of marking, every request meanwhile slower) come about
 * twice as often. Measured under `bench/accept`: see docs/decisions.md.
 */
export const GARBAGE_COLLECTOR_FLAGS = '--no-allocation-site-pretenuring';

/**
 * Applies GARBAGE_COLLECTOR_FLAGS to this process. Call first thing in an app's entry point;
 * `NODE_OPTIONS` does not accept the flag, and this way every way of starting the app (the
 * image, the sandbox, node:cluster's workers, benchmarks) runs with it.
 */
export function tuneGarbageCollector(): void {
  setFlagsFromString(GARBAGE_COLLECTOR_FLAGS);
}
