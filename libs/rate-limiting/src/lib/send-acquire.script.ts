/**
 * Every send limit in one atomic step: check all, and only when all allow, consume
 * all; a refused send takes no capacity anywhere. Times are epoch ms on Redis's
 * clock (ARGV[1] = 0) so every worker shares one timeline.
 *
 * A refusal returns the longest wait, and the limit that set it books the caller a
 * distinct future turn ("promise"): the n-th waiter of a full number is told to come
 * back n spacings later instead of all waiters waking together when the first slot
 * frees (which would re-run every held job once per freed slot). Promises never
 * reserve capacity: a waiter is checked again when it comes back.
 *
 * KEYS: 1 throughput: the number's next free send slot (GCRA's theoretical arrival time)
 *       2 throughput promise (next turn handed out)
 *       3 pair bucket (hash: c = credit in ms of refill time, t = updated, n = next turn)
 *       4 portfolio recipients (zset: recipient -> last business-initiated send)
 *       5 portfolio promise
 *       6 Graph usage of the WABA (percentage; expires with the report)
 *       7 usage pacing (hash: tat = earliest next send, n = next turn)
 * ARGV: 1 now (0: Redis TIME)  2 throughput spacing ms (fractional)  3 throughput hold ms
 *       4 pair burst  5 pair interval ms  6 portfolio limit (-1: not counted)  7 recipient
 *       8 portfolio window ms  9 usage slowdown threshold %  10 usage max spacing ms
 * Returns {allowed 0|1, wait ms, reason, portfolio used, portfolio limit, send slot, ms
 * until the slot}: a granted send goes at its slot (now or up to `hold` ms later), not before.
 */
export const SEND_ACQUIRE_SCRIPT = `
local now = tonumber(ARGV[1])
if now <= 0 then
  local t = redis.call('TIME')
  now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
end
local step = tonumber(ARGV[2])
local hold = tonumber(ARGV[3])
local burst = tonumber(ARGV[4])
local interval = tonumber(ARGV[5])
local plimit = tonumber(ARGV[6])
local recipient = ARGV[7]
local pwindow = tonumber(ARGV[8])
local slowAt = tonumber(ARGV[9])
local slowMax = tonumber(ARGV[10])

-- Throughput: GCRA used as a shaper. The number's sends get slots one step apart from
-- tat on, never two in one step and no burst after idling (tat restarts at now). A caller
-- may take a slot up to hold ms ahead and keeps its send until then, so callers that
-- arrive late or in clumps (jobs queued in a busy worker) still fill every slot.
local tat = math.max(tonumber(redis.call('GET', KEYS[1]) or '0'), now)
local tpWait = math.max(0, tat - hold - now)

-- Pair rate: token bucket, burst tokens, one back per interval; starts full.
local capacity = burst * interval
local pair = redis.call('HMGET', KEYS[3], 'c', 't', 'n')
local credit = capacity
if pair[1] then
  credit = math.min(capacity, tonumber(pair[1]) + math.max(0, now - tonumber(pair[2])))
end
local pairWait = 0
if credit < interval then pairWait = interval - credit end

-- Portfolio: unique recipients of business-initiated sends in a moving window.
local pused = 0
local known = false
local pfWait = 0
if plimit >= 0 then
  redis.call('ZREMRANGEBYSCORE', KEYS[4], '-inf', now - pwindow)
  known = redis.call('ZSCORE', KEYS[4], recipient) ~= false
  pused = redis.call('ZCARD', KEYS[4])
  if not known and pused >= plimit then
    local freeing = redis.call('ZRANGE', KEYS[4], pused - plimit, pused - plimit, 'WITHSCORES')
    pfWait = tonumber(freeing[2]) + pwindow - now
  end
end

-- Graph usage: blocked at 100 % until the report expires, paced above the threshold.
local usage = tonumber(redis.call('GET', KEYS[6]) or '0')
local usageWait = 0
local spacing = 0
local pacing = redis.call('HMGET', KEYS[7], 'tat', 'n')
if usage >= 100 then
  usageWait = math.max(1, redis.call('PTTL', KEYS[6]))
elseif usage >= slowAt then
  spacing = math.floor(slowMax * (usage - slowAt) / (100 - slowAt))
  local tat = tonumber(pacing[1] or '0')
  if tat > now then usageWait = tat - now end
end

local wait = 0
local reason = ''
local function consider(ms, why)
  if ms > wait then
    wait = ms
    reason = why
  end
end
consider(tpWait, 'throughput')
consider(pairWait, 'pair_rate')
consider(pfWait, 'portfolio_limit')
consider(usageWait, 'graph_usage')

local function later(ms, floor)
  return math.max(now + ms, floor)
end

if wait > 0 then
  if reason == 'throughput' then
    -- Every refused caller takes the next turn (a step after the last one handed out):
    -- a caller back for its turn and a newcomer look alike, and a caller back late
    -- still finds a slot within hold unless others filled them meanwhile.
    local promise = later(wait, tonumber(redis.call('GET', KEYS[2]) or '0'))
    -- Fractional turns keep their precision; tostring would round them.
    redis.call('SET', KEYS[2], string.format('%.4f', promise + step), 'PX', math.ceil(promise - now + 60000))
    wait = promise - now
  elseif reason == 'pair_rate' then
    local promise = later(wait, tonumber(pair[3] or '0'))
    redis.call('HSET', KEYS[3], 'n', promise + interval)
    redis.call('PEXPIRE', KEYS[3], math.max(redis.call('PTTL', KEYS[3]), promise + interval - now))
    wait = promise - now
  elseif reason == 'portfolio_limit' then
    -- The next waiter gets the next recipient to slide out after the last promise.
    local last = tonumber(redis.call('GET', KEYS[5]) or '0')
    local promise = later(wait, 0)
    local nextOut = redis.call('ZRANGEBYSCORE', KEYS[4], '(' .. (last - pwindow), '+inf', 'WITHSCORES', 'LIMIT', 0, 1)
    if nextOut[2] then
      promise = math.max(promise, tonumber(nextOut[2]) + pwindow)
    else
      promise = math.max(promise, last + math.floor(pwindow / plimit))
    end
    redis.call('SET', KEYS[5], promise, 'PX', promise - now + 1000)
    wait = promise - now
  else
    local promise = later(wait, tonumber(pacing[2] or '0'))
    redis.call('HSET', KEYS[7], 'n', promise + spacing)
    redis.call('PEXPIRE', KEYS[7], math.max(promise + spacing - now, 60000))
    wait = promise - now
  end
  return {0, math.ceil(wait), reason, pused, plimit}
end

-- Kept a minute past tat, not just until tat: tat is on the caller's timeline (a
-- test's fake clock), the expiry on Redis's.
redis.call('SET', KEYS[1], string.format('%.4f', tat + step), 'PX', math.ceil(tat + step - now + 60000))

local left = credit - interval
redis.call('HSET', KEYS[3], 'c', left, 't', now)
redis.call('PEXPIRE', KEYS[3], math.max(capacity - left, tonumber(pair[3] or '0') - now, 1))

if plimit >= 0 then
  redis.call('ZADD', KEYS[4], now, recipient)
  redis.call('PEXPIRE', KEYS[4], pwindow)
  if not known then pused = pused + 1 end
end

if spacing > 0 then
  redis.call('HSET', KEYS[7], 'tat', now + spacing)
  redis.call('PEXPIRE', KEYS[7], math.max(tonumber(pacing[2] or '0') - now, 60000))
end
-- Whole ms, rounded up: replies truncate Lua numbers, and a send must not go early.
local slot = math.ceil(tat)
return {1, 0, '', pused, plimit, slot, slot - now}
`;
