-- Give an unset hash field a value. KEYS: 1 hash. ARGV: 1 field, 2 value.
-- Returns the value now stored: ARGV[2] when the claim succeeded.
local v = redis.call('HGET', KEYS[1], ARGV[1])
if v then
  return v
end
redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
return ARGV[2]
