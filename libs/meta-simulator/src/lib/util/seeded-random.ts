/**
 * A small deterministic PRNG (mulberry32). Failure rates and generated ids draw
 * from it so that a run with the same seed and the same traffic is reproducible,
 * which matters when a test or a benchmark asserts on a failure mix.
 */
export type RandomSource = () => number;

export function seededRandom(seed: number): RandomSource {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
