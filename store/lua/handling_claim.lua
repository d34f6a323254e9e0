-- Claim a platform event for handling. KEYS: 1 the event's handled key.
-- ARGV: 1 claim token, 2 ttl (ms).
-- Returns false when claimed, else what the key holds: "1" handled,
-- "p:<token>" being handled by someone else right now.
local v = redis.call('GET', KEYS[1])
if v then
  return v
end
redis.call('SET', KEYS[1], 'p:' .. ARGV[1], 'PX', ARGV[2])
return false
