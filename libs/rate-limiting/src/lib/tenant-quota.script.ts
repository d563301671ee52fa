/**
 * Fixed-window counter: one round trip per request. KEYS[1] the tenant environment's
 * counter, ARGV[1] the window in ms. Returns {count, ms until the window resets}.
 * The PTTL check repairs a counter that lost its expiry, which would otherwise
 * lock the tenant out for good.
 */
export const TENANT_QUOTA_SCRIPT = `
local count = redis.call('INCR', KEYS[1])
local ttl = redis.call('PTTL', KEYS[1])
if count == 1 or ttl < 0 then
  redis.call('PEXPIRE', KEYS[1], ARGV[1])
  ttl = tonumber(ARGV[1])
end
return {count, ttl}
`;
