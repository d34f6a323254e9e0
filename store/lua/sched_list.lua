-- List a scheduled announcement whose trigger is queued and untouched.
-- KEYS: 1 leases, 2 attempts, 3 the trigger's states, 4 the scheduled
-- list ({dlv} tag).
-- ARGV: 1 the trigger's member, 2 its recipient, 3 the announcement id,
-- 4 when it is due (ms).
-- A repeated confirmation must not list again an announcement that went
-- out or was cancelled since. Returns 1 when listed (or already was).
if redis.call('HGET', KEYS[3], ARGV[2]) ~= 'd' then
  return 0
end
if redis.call('HEXISTS', KEYS[1], ARGV[1]) == 1 or redis.call('HEXISTS', KEYS[2], ARGV[1]) == 1 then
  return 0
end
redis.call('ZADD', KEYS[4], 'NX', ARGV[4], ARGV[3])
return 1
