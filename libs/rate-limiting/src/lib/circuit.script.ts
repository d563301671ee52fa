/**
 * The circuit's check, shared by the send script and the circuit-only script, so both
 * decide the same way. KEYS 1-4 are the circuit's (RateLimitKeys.circuit): failures, open,
 * tripped, probe. `circuit()` answers (wait ms, state): a wait while the circuit is open or
 * another worker's probe is out; else state 0 (closed, no failure counted), 1 (failures
 * counted: a success must clear them) or 2 (half-open: this send is the probe).
 * `takeProbe` is called only once the send is granted, so a refused send holds no probe.
 */
export const CIRCUIT_CHECK_LUA = `
local function circuit()
  local openTtl = redis.call('PTTL', KEYS[2])
  if openTtl > 0 then return openTtl, 0 end
  if redis.call('EXISTS', KEYS[3]) == 1 then
    local probeTtl = redis.call('PTTL', KEYS[4])
    if probeTtl == -2 then return 0, 2 end
    if probeTtl < 0 then probeTtl = 1000 end
    return probeTtl, 0
  end
  return 0, redis.call('EXISTS', KEYS[1])
end
local function takeProbe(state, probeMs)
  if state == 2 then redis.call('SET', KEYS[4], '1', 'PX', probeMs) end
end
`;

/**
 * The circuit alone, for channels without limits of ours. ARGV: 1 probe ms.
 * Returns {allowed 0|1, wait ms, reason, circuit state}.
 */
export const CIRCUIT_ACQUIRE_SCRIPT = `${CIRCUIT_CHECK_LUA}
local wait, state = circuit()
if wait > 0 then return {0, wait, 'circuit_open', 0} end
takeProbe(state, ARGV[1])
return {1, 0, '', state}
`;

/**
 * A failure: counted within the window; at the threshold (or on a failed probe) the circuit
 * opens for openMs and stays tripped (half-open once open ends) until a success clears it.
 * KEYS: the circuit's four. ARGV: 1 threshold 2 window ms 3 open ms. Returns 1 when it opened.
 */
export const CIRCUIT_FAILURE_SCRIPT = `
local failures = redis.call('INCR', KEYS[1])
if failures == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[2]) end
if redis.call('EXISTS', KEYS[3]) == 1 or failures >= tonumber(ARGV[1]) then
  redis.call('SET', KEYS[2], '1', 'PX', ARGV[3])
  redis.call('SET', KEYS[3], '1', 'PX', tonumber(ARGV[3]) * 20)
  redis.call('DEL', KEYS[4])
  return 1
end
return 0
`;
