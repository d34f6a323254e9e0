-- Mark the essay submitted, keeping the first instant.
-- KEYS: 1 profile hash. ARGV: 1 instant (unix ms). Returns 0 when the
-- participant does not exist, else 1.
if redis.call('EXISTS', KEYS[1]) == 0 then
  return 0
end
redis.call('HSETNX', KEYS[1], 'xs', ARGV[1])
return 1
