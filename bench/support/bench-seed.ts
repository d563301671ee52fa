import { demoSeed, type DemoSeed, type SimulationSettingsInput, type ThroughputLevel } from '@switchboard/meta-simulator';

export interface BenchSeedOptions {
  numbers: number;
  /** The simulator's per-number limit (130429 past it). */
  mps: number;
  /** HIGH makes our own limiter use 1,000 mps after the sync; STANDARD keeps its 80. */
  throughputLevel: ThroughputLevel;
  simulation?: SimulationSettingsInput;
}

/**
 * The demo WABA with `numbers` sending numbers, all on the unlimited messaging tier so
 * the portfolio's unique-user limit never holds a benchmark send.
 */
export function benchSeed(options: BenchSeedOptions): DemoSeed {
  const seed = demoSeed();
  const [first] = seed.phoneNumbers;
  if (!first) throw new Error('demo seed without a number');
  seed.phoneNumbers = Array.from({ length: options.numbers }, (_, n) => ({
    ...first,
    id: `30000000000001${String(n).padStart(2, '0')}`,
    displayPhoneNumber: `+1 555-010-01${String(n).padStart(2, '0')}`,
    verifiedName: `Bench ${n}`,
    throughputLevel: options.throughputLevel,
    messagingLimit: 'TIER_UNLIMITED' as const,
    mps: options.mps,
  }));
  seed.simulation = { ...seed.simulation, ...options.simulation };
  return seed;
}
