-- Flip the reachable flag of a linked account, keeping its chat id.
-- KEYS: 1 profile hash. ARGV: 1 account field, 2 flag ("+" or "-").
-- Returns 0 when the participant has no such account, else the profile
-- after the change (HGETALL), for the course's index.
local v = redis.call('HGET', KEYS[1], ARGV[1])
if not v then
  return 0
end
redis.call('HSET', KEYS[1], ARGV[1], ARGV[2] .. string.sub(v, 2))
redis.call('HINCRBY', KEYS[1], 'kv', 1)
return redis.call('HGETALL', KEYS[1])
