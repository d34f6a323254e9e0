-- Give a leader lease up, only for its holder. KEYS: 1 lease.
-- ARGV: 1 holder ("fence:token"). Returns 1 when released, 0 when the
-- lease was no longer ours (a stale holder must not free a new one's).
if redis.call('GET', KEYS[1]) ~= ARGV[1] then
  return 0
end
redis.call('DEL', KEYS[1])
return 1
