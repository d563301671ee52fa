import { CIRCUIT_CHECK_LUA } from './circuit.script';

/**
 * The circuit and every send limit in one atomic step: check all, and only when all allow,
 * consume all; a refused send takes no capacity anywhere. Times are epoch ms on Redis's
 * clock (ARGV[1] = 0) so every worker shares one timeline.
 *
 * A refusal returns the longest wait, and the limit that set it books the caller a
 * distinct future turn ("promise"): the n-th waiter of a full number is told to come
 * back n spacings later instead of all waiters waking together when the first slot
 * frees (which would re-run every held job once per freed slot). Promises never
 * reserve capacity: a waiter is checked again when it comes back.
 *
 * KEYS (RateLimitKeys): 1-4 the circuit (circuit.script.ts)
 *       5 throughput: the number's next free send slot (GCRA's theoretical arrival time)
 *       6 throughput promise (next turn handed out)
 *       7 throughput log: release times of the number's last mps slots (list, newest first)
 *       8 throughput margins (hash: process -> "margin ms:reported at")
 *       9 pair bucket (hash: c = credit in ms of refill time, t = updated, n = next turn)
 *       10 portfolio recipients (zset: recipient -> last business-initiated send)
 *       11 portfolio promise
 *       12 Graph usage of the WABA (percentage; expires with the report)
 *       13 usage pacing (hash: tat = earliest next send, n = next turn)
 * ARGV: 1 now (0: Redis TIME)  2 mps  3 throughput hold ms
 *       4 pair burst  5 pair interval ms  6 portfolio limit (-1: not counted)  7 recipient
 *       8 portfolio window ms  9 usage slowdown threshold %  10 usage max spacing ms
 *       11 circuit probe ms  12 process id  13 the process's margin ms
 *       14 how long a reported margin counts, ms
 * Returns {allowed 0|1, wait ms, reason, portfolio used, portfolio limit, send slot, ms
 * until the slot, the slot's margin ms, circuit state}: a granted send goes at its slot
 * (now or up to `hold` ms later), not before, and not later than its margin after it.
 */
export const SEND_ACQUIRE_SCRIPT = `${CIRCUIT_CHECK_LUA}
local kTat, kTurn, kLog, kMargins = KEYS[5], KEYS[6], KEYS[7], KEYS[8]
local kPair, kPortfolio, kPortfolioTurn, kUsage, kPacing = KEYS[9], KEYS[10], KEYS[11], KEYS[12], KEYS[13]
local now = tonumber(ARGV[1])
if now <= 0 then
  local t = redis.call('TIME')
  now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
end
local mps = tonumber(ARGV[2])
local hold = tonumber(ARGV[3])
local burst = tonumber(ARGV[4])
local interval = tonumber(ARGV[5])
local plimit = tonumber(ARGV[6])
local recipient = ARGV[7]
local pwindow = tonumber(ARGV[8])
local slowAt = tonumber(ARGV[9])
local slowMax = tonumber(ARGV[10])
local probeMs = tonumber(ARGV[11])
local process = ARGV[12]
local ownMargin = tonumber(ARGV[13])
local marginTtl = tonumber(ARGV[14])

local circuitWait, circuitState = circuit()
if circuitWait > 0 then return {0, circuitWait, 'circuit_open', 0, plimit} end

-- Margin: how late after its slot a send of this number may reach Meta. Every process
-- reports its own (from its measured lateness) with each call; the number uses the
-- largest reported within marginTtl, so a slot suits whichever worker sends it.
redis.call('HSET', kMargins, process, ownMargin .. ':' .. now)
local margin = 0
local reports = redis.call('HGETALL', kMargins)
for i = 1, #reports, 2 do
  local ms, at = string.match(reports[i + 1], '([^:]+):(.+)')
  if tonumber(at) < now - marginTtl then
    redis.call('HDEL', kMargins, reports[i])
  elseif tonumber(ms) > margin then
    margin = tonumber(ms)
  end
end
redis.call('PEXPIRE', kMargins, marginTtl + 60000)

-- Throughput: GCRA used as a shaper. The number's sends get slots one step apart from
-- tat on, never two in one step and no burst after idling (tat restarts at now). A caller
-- may take a slot up to hold ms ahead and keeps its send until then, so callers that
-- arrive late or in clumps (jobs queued in a busy worker) still fill every slot.
-- A send reaches Meta within its margin after its slot, so mps slots span 1,000 ms plus
-- the margin: the step. The log keeps the rule when the margin shrinks: a slot comes no
-- earlier than the release time (its slot + 1,000 + its margin) of the slot mps before it.
local step = (1000 + margin) / mps
local tat = math.max(tonumber(redis.call('GET', kTat) or '0'), now)
local released = redis.call('LINDEX', kLog, mps - 1)
if released then tat = math.max(tat, tonumber(released)) end
local tpWait = math.max(0, tat - hold - now)

-- Pair rate: token bucket, burst tokens, one back per interval; starts full.
local capacity = burst * interval
local pair = redis.call('HMGET', kPair, 'c', 't', 'n')
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
  redis.call('ZREMRANGEBYSCORE', kPortfolio, '-inf', now - pwindow)
  known = redis.call('ZSCORE', kPortfolio, recipient) ~= false
  pused = redis.call('ZCARD', kPortfolio)
  if not known and pused >= plimit then
    local freeing = redis.call('ZRANGE', kPortfolio, pused - plimit, pused - plimit, 'WITHSCORES')
    pfWait = tonumber(freeing[2]) + pwindow - now
  end
end

-- Graph usage: blocked at 100 % until the report expires, paced above the threshold.
local usage = tonumber(redis.call('GET', kUsage) or '0')
local usageWait = 0
local spacing = 0
local pacing = redis.call('HMGET', kPacing, 'tat', 'n')
if usage >= 100 then
  usageWait = math.max(1, redis.call('PTTL', kUsage))
elseif usage >= slowAt then
  spacing = math.floor(slowMax * (usage - slowAt) / (100 - slowAt))
  local paced = tonumber(pacing[1] or '0')
  if paced > now then usageWait = paced - now end
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
    local promise = later(wait, tonumber(redis.call('GET', kTurn) or '0'))
    -- Fractional turns keep their precision; tostring would round them.
    redis.call('SET', kTurn, string.format('%.4f', promise + step), 'PX', math.ceil(promise - now + 60000))
    wait = promise - now
  elseif reason == 'pair_rate' then
    local promise = later(wait, tonumber(pair[3] or '0'))
    redis.call('HSET', kPair, 'n', promise + interval)
    redis.call('PEXPIRE', kPair, math.max(redis.call('PTTL', kPair), promise + interval - now))
    wait = promise - now
  elseif reason == 'portfolio_limit' then
    -- The next waiter gets the next recipient to slide out after the last promise.
    local last = tonumber(redis.call('GET', kPortfolioTurn) or '0')
    local promise = later(wait, 0)
    local nextOut = redis.call('ZRANGEBYSCORE', kPortfolio, '(' .. (last - pwindow), '+inf', 'WITHSCORES', 'LIMIT', 0, 1)
    if nextOut[2] then
      promise = math.max(promise, tonumber(nextOut[2]) + pwindow)
    else
      promise = math.max(promise, last + math.floor(pwindow / plimit))
    end
    redis.call('SET', kPortfolioTurn, promise, 'PX', promise - now + 1000)
    wait = promise - now
  else
    local promise = later(wait, tonumber(pacing[2] or '0'))
    redis.call('HSET', kPacing, 'n', promise + spacing)
    redis.call('PEXPIRE', kPacing, math.max(promise + spacing - now, 60000))
    wait = promise - now
  end
  return {0, math.ceil(wait), reason, pused, plimit}
end

-- Whole ms, rounded up: replies truncate Lua numbers, and a send must not go early.
local slot = math.ceil(tat)
-- Kept a minute past their times, not just until them: tat is on the caller's timeline
-- (a test's fake clock), the expiry on Redis's.
redis.call('SET', kTat, string.format('%.4f', tat + step), 'PX', math.ceil(tat + step - now + 60000))
-- The release time from the exact tat: the slots are its ceilings, and 1,000 + margin is whole.
redis.call('LPUSH', kLog, string.format('%.4f', tat + 1000 + margin))
redis.call('LTRIM', kLog, 0, mps - 1)
redis.call('PEXPIRE', kLog, math.ceil(tat + 1000 + margin - now + 60000))

local left = credit - interval
redis.call('HSET', kPair, 'c', left, 't', now)
redis.call('PEXPIRE', kPair, math.max(capacity - left, tonumber(pair[3] or '0') - now, 1))

if plimit >= 0 then
  redis.call('ZADD', kPortfolio, now, recipient)
  redis.call('PEXPIRE', kPortfolio, pwindow)
  if not known then pused = pused + 1 end
end

if spacing > 0 then
  redis.call('HSET', kPacing, 'tat', now + spacing)
  redis.call('PEXPIRE', kPacing, math.max(tonumber(pacing[2] or '0') - now, 60000))
end
takeProbe(circuitState, probeMs)
return {1, 0, '', pused, plimit, slot, slot - now, margin, circuitState}
`;
