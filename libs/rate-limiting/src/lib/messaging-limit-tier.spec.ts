import { uniqueUserLimitOfTier } from './messaging-limit-tier';

describe('uniqueUserLimitOfTier', () => {
  it.each([
    ['TIER_250', 250],
    ['TIER_2K', 2_000],
    ['TIER_10K', 10_000],
    ['TIER_100K', 100_000],
    ['TIER_50', 50],
    ['TIER_1K', 1_000],
    ['TIER_UNLIMITED', null],
  ])('%s -> %s', (tier, limit) => {
    expect(uniqueUserLimitOfTier(tier)).toBe(limit);
  });

  it.each([undefined, null, '', 'TIER_NOT_SET', 'TIER_0', 'tier_2k', 'UNLIMITED'])('reads %p as the starting 250', (tier) => {
    expect(uniqueUserLimitOfTier(tier)).toBe(250);
  });
});
