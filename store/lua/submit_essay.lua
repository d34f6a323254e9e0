-- Mark the essay submitted, keeping the first instant.
-- KEYS: 1 profile hash. ARGV: 1 instant (unix ms). Returns 0 when the
-- participant does not exist, else the profile (HGETALL), for the
-- course's index.
if redis.call('EXISTS', KEYS[1]) == 0 then
  return 0
end
if redis.call('HSETNX', KEYS[1], 'xs', ARGV[1]) == 1 then
  redis.call('HINCRBY', KEYS[1], 'kv', 1)
end
return redis.call('HGETALL', KEYS[1])
