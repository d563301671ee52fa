/** Every new portfolio starts here (reference §7), so an unknown tier is read as it. */
const STARTING_LIMIT = 250;

/**
 * Unique users a business portfolio may reach with business-initiated messages in a
 * moving 24 h, from Meta's tier name (`whatsapp_business_manager_messaging_limit`:
 * TIER_250, TIER_2K, TIER_10K, TIER_100K, TIER_UNLIMITED; older TIER_50/TIER_1K too).
 * `null` means unlimited. Unset, TIER_NOT_SET or unreadable: the starting 250, because
 * guessing high lets Meta refuse the excess while guessing low only holds it.
 */
export function uniqueUserLimitOfTier(tier: string | null | undefined): number | null {
  if (tier === 'TIER_UNLIMITED') return null;
  const match = /^TIER_(\d+)(K?)$/.exec(tier ?? '');
  if (!match) return STARTING_LIMIT;
  const limit = Number(match[1]) * (match[2] === 'K' ? 1000 : 1);
  return limit > 0 ? limit : STARTING_LIMIT;
}
