-- Extend a leader lease, only for its holder. KEYS: 1 lease.
-- ARGV: 1 holder ("fence:token"), 2 ttl (ms). Returns 1, or 0 when the
-- lease expired or another replica holds it now.
if redis.call('GET', KEYS[1]) ~= ARGV[1] then
  return 0
end
redis.call('PEXPIRE', KEYS[1], ARGV[2])
return 1
