-- Take a leader lease if nobody holds it. KEYS: 1 lease, 2 fence
-- counter. ARGV: 1 token, 2 ttl (ms).
-- Returns {1, fence} when taken, {0, holder} when held ("fence:token").
local holder = redis.call('GET', KEYS[1])
if holder then
  return {0, holder}
end
-- The fence grows with every grant, never with a refusal, so a later
-- holder always carries a larger number than every earlier one.
local fence = redis.call('INCR', KEYS[2])
redis.call('SET', KEYS[1], fence .. ':' .. ARGV[1], 'PX', ARGV[2])
return {1, fence}
